"""PyTorch twin of the `char-rnn` preset for bench/char-rnn-vs-pytorch.mjs.

    python3 char_rnn_torch.py TEXT_FILE VALID_FRACTION DEADLINE_UNIX_SECONDS THREADS

Same data and model as `rnnlm train --config char-rnn --data FILE --valid-fraction F`:
the raw text (line breaks folded to \\n, a final \\n added), characters, the first
floor(n·(1−F)) train and the tail validates; one-hot input → LSTM 2 × 128 → linear decoder,
PyTorch default init; mean cross-entropy per token; clip_grad_norm_ 5; RMSprop lr 2e-3,
alpha 0.95, eps 1e-8; lr × 0.97 per epoch after epoch 10; batches of 50 contiguous streams
× 50 steps with the state carried across batches (word-LM bptt windows). Trains until the
deadline (checked between batches), then evaluates the validation split the way
`rnnlm eval` does (50 streams, windows of 50, state carried) and prints one JSON line.
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

path, fraction, deadline, threads = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(0)

with open(path, encoding="utf-8", newline="") as f:
    text = f.read().replace("\r\n", "\n").replace("\r", "\n")
if not text.endswith("\n"):
    text += "\n"
chars = sorted(set(text))
index = {c: i for i, c in enumerate(chars)}
ids = torch.tensor([index[c] for c in text], dtype=torch.long)
n_train = math.floor(len(ids) * (1 - fraction))
train, valid = ids[:n_train], ids[n_train:]
V, H, L, B, T = len(chars), 128, 2, 50, 50


def batchify(data, bsz):
    n = data.size(0) // bsz
    return data[: n * bsz].view(bsz, n).t().contiguous()  # (n, bsz): column j is stream j


class CharRnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.LSTM(V, H, L)
        self.decoder = nn.Linear(H, V)

    def forward(self, x, state):
        out, state = self.rnn(F.one_hot(x, V).float(), state)
        return self.decoder(out).view(-1, V), state


model = CharRnn()
optimizer = torch.optim.RMSprop(model.parameters(), lr=2e-3, alpha=0.95, eps=1e-8)
train_cols = batchify(train, B)
zeros = lambda b: (torch.zeros(L, b, H), torch.zeros(L, b, H))  # noqa: E731
steps = 0
epochs_done = 0.0
while time.time() < deadline:
    epoch = int(epochs_done)
    for group in optimizer.param_groups:
        group["lr"] = 2e-3 * 0.97 ** max(epoch + 1 - 10, 0)
    state = zeros(B)
    model.train()
    batches = range(0, train_cols.size(0) - 1, T)
    for k, i in enumerate(batches):
        if time.time() >= deadline:
            epochs_done = epoch + k / len(batches)
            break
        seq = min(T, train_cols.size(0) - 1 - i)
        x, y = train_cols[i : i + seq], train_cols[i + 1 : i + 1 + seq].reshape(-1)
        state = tuple(s.detach() for s in state)
        optimizer.zero_grad()
        logits, state = model(x, state)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        steps += 1
    else:
        epochs_done = epoch + 1

model.eval()
valid_cols = batchify(valid, 50)
total, count = 0.0, 0
with torch.no_grad():
    state = zeros(50)
    for i in range(0, valid_cols.size(0) - 1, T):
        seq = min(T, valid_cols.size(0) - 1 - i)
        x, y = valid_cols[i : i + seq], valid_cols[i + 1 : i + 1 + seq].reshape(-1)
        logits, state = model(x, state)
        total += F.cross_entropy(logits, y, reduction="sum").item()
        count += y.numel()
loss = total / count
print(json.dumps({"validLoss": loss, "steps": steps, "epochs": epochs_done, "vocab": V, "train": len(train),
                  "valid": len(valid), "threads": threads, "torch": torch.__version__}))
