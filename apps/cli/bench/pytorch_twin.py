"""PyTorch twins of two word-level presets, written from their sources, not from rnnlm:

- pytorch-wikitext2 (default): pytorch/examples' word_language_model main.py (LSTM, emb 200,
  2 x 200, dropout 0.2, mean loss, lr 20, clip 0.25, batch 20, bptt 35, eval batch 10, lr / 4
  when validation does not improve, seed 1111).
- gluon-ptb: the MXNet gluon word-LM tutorial's training step, literally: rnn_relu 2 x 100,
  emb 100, tied, dropout 0.2, embedding U(±0.1) and Xavier-uniform elsewhere (biases 0), the
  loss SUMMED over bptt x batch tokens, clip_global_norm at clip·bptt·batch, then
  trainer.step(batch) (SGD on grad / batch) with lr 1, clip 0.2, batch 32, bptt 5, eval batch
  32. It checks rnnlm's conversion (lr 5, clip 0.2 on the mean loss) independently.
- zaremba-small: the TensorFlow PTB tutorial's SmallConfig (Zaremba et al. 2014) in PyTorch:
  LSTM, emb 200, 2 x 200, no dropout, every weight U(+-0.1), batch 20, bptt 20, the loss summed
  over the 20 steps of the batch-mean cross-entropy with lr 1 and clip 5 -- written here as the
  equivalent mean loss with lr 20, clip 0.25 -- lr kept 4 epochs, then x 0.5 per epoch.

A resumable state file lets bench/wikitext2-vs-pytorch.mjs run it one epoch at a time,
alternating with `rnnlm train --resume`.

    /usr/bin/python3 pytorch_twin.py --data DIR --state FILE --epochs E [--preset NAME]
                                     [--max-tokens N] [--threads N] [--test]

Trains from the epoch saved in FILE (a fresh model when FILE does not exist) up to epoch E and
prints one JSON line per epoch; --test then prints the test perplexity of the best weights.
--max-tokens keeps the first N tokens of each split after the vocabulary is built (as
`rnnlm --max-tokens`), for short measured slices.
"""
import argparse
import json
import math
import os
import time

import torch
import torch.nn.functional as F
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--data", required=True)
parser.add_argument("--state", required=True)
parser.add_argument("--epochs", type=int, required=True)
parser.add_argument("--max-tokens", type=int, default=None)
parser.add_argument("--threads", type=int, default=os.cpu_count())
parser.add_argument("--test", action="store_true")
parser.add_argument("--preset", choices=["pytorch-wikitext2", "gluon-ptb", "zaremba-small"],
                    default="pytorch-wikitext2")
args = parser.parse_args()
GLUON = args.preset == "gluon-ptb"
ZAREMBA = args.preset == "zaremba-small"

if GLUON:
    CELL, EMSIZE, NHID, NLAYERS, DROPOUT, LR, CLIP, TIED = "rnn_relu", 100, 100, 2, 0.2, 1.0, 0.2, True
    BATCH, EVAL_BATCH, BPTT, SEED = 32, 32, 5, 1111
elif ZAREMBA:
    CELL, EMSIZE, NHID, NLAYERS, DROPOUT, LR, CLIP, TIED = "lstm", 200, 200, 2, 0.0, 20.0, 0.25, False
    BATCH, EVAL_BATCH, BPTT, SEED = 20, 10, 20, 1111
    MAX_EPOCH, LR_DECAY = 4, 0.5
else:
    CELL, EMSIZE, NHID, NLAYERS, DROPOUT, LR, CLIP, TIED = "lstm", 200, 200, 2, 0.2, 20.0, 0.25, False
    BATCH, EVAL_BATCH, BPTT, SEED = 20, 10, 35, 1111
torch.set_num_threads(args.threads)


def split_file(path, split):
    for name in (f"{split}.txt", f"ptb.{split}.txt", f"wiki.{split}.tokens"):
        if os.path.exists(os.path.join(path, name)):
            return os.path.join(path, name)
    raise FileNotFoundError(f"no {split} file in {path}")


class Corpus:
    """main.py's data.Corpus: words split on whitespace, <eos> per line, ids in order of first
    appearance over train, valid, test."""

    def __init__(self, path):
        self.word2idx = {}
        self.train = self.tokenize(split_file(path, "train"))
        self.valid = self.tokenize(split_file(path, "valid"))
        self.test = self.tokenize(split_file(path, "test"))

    def tokenize(self, path):
        ids = []
        with open(path, "r", encoding="utf8") as f:
            for line in f:
                for word in line.split() + ["<eos>"]:
                    if word not in self.word2idx:
                        self.word2idx[word] = len(self.word2idx)
                    ids.append(self.word2idx[word])
        return torch.tensor(ids, dtype=torch.int64)


def batchify(data, bsz):
    nbatch = data.size(0) // bsz
    return data.narrow(0, 0, nbatch * bsz).view(bsz, -1).t().contiguous()


def get_batch(source, i):
    seq_len = min(BPTT, len(source) - 1 - i)
    return source[i : i + seq_len], source[i + 1 : i + 1 + seq_len].reshape(-1)


class RNNModel(nn.Module):
    """main.py's model.RNNModel (LSTM, untied), or the gluon tutorial's RNNModel (rnn_relu, tied)."""

    def __init__(self, ntoken):
        super().__init__()
        self.drop = nn.Dropout(DROPOUT)
        self.encoder = nn.Embedding(ntoken, EMSIZE)
        if CELL == "lstm":
            self.rnn = nn.LSTM(EMSIZE, NHID, NLAYERS, dropout=DROPOUT)
        else:
            self.rnn = nn.RNN(EMSIZE, NHID, NLAYERS, nonlinearity="relu", dropout=DROPOUT)
        self.decoder = nn.Linear(NHID, ntoken)
        nn.init.uniform_(self.encoder.weight, -0.1, 0.1)
        nn.init.zeros_(self.decoder.bias)
        if GLUON:
            # mx.init.Xavier(): uniform, factor "avg", magnitude 3 = PyTorch's xavier_uniform_; biases 0.
            for name, p in self.rnn.named_parameters():
                if "bias" in name:
                    nn.init.zeros_(p)
                else:
                    nn.init.xavier_uniform_(p)
            self.decoder.weight = self.encoder.weight
        else:
            nn.init.uniform_(self.decoder.weight, -0.1, 0.1)
        if ZAREMBA:
            for p in self.parameters():
                nn.init.uniform_(p, -0.1, 0.1)
        self.ntoken = ntoken

    def forward(self, x, hidden):
        emb = self.drop(self.encoder(x))
        output, hidden = self.rnn(emb, hidden)
        decoded = self.decoder(self.drop(output)).view(-1, self.ntoken)
        return F.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if CELL == "lstm":
            return (weight.new_zeros(NLAYERS, bsz, NHID), weight.new_zeros(NLAYERS, bsz, NHID))
        return weight.new_zeros(NLAYERS, bsz, NHID)


def repackage(h):
    return tuple(v.detach() for v in h) if isinstance(h, tuple) else h.detach()


corpus = Corpus(args.data)
splits = {"train": corpus.train, "valid": corpus.valid, "test": corpus.test}
if args.max_tokens is not None:
    splits = {k: v[: args.max_tokens] for k, v in splits.items()}
train_data = batchify(splits["train"], BATCH)
val_data = batchify(splits["valid"], EVAL_BATCH)
test_data = batchify(splits["test"], EVAL_BATCH)
ntokens = len(corpus.word2idx)
criterion = nn.NLLLoss()

torch.manual_seed(SEED)
model = RNNModel(ntokens)
lr, best_val, start, best_state = LR, None, 0, None
if os.path.exists(args.state):
    saved = torch.load(args.state)
    model.load_state_dict(saved["model"])
    lr, best_val, start, best_state = saved["lr"], saved["best_val"], saved["epoch"], saved["best"]
    torch.set_rng_state(saved["rng"])


def evaluate(data_source):
    model.eval()
    total = 0.0
    hidden = model.init_hidden(EVAL_BATCH)
    with torch.no_grad():
        for i in range(0, data_source.size(0) - 1, BPTT):
            data, targets = get_batch(data_source, i)
            output, hidden = model(data, hidden)
            hidden = repackage(hidden)
            total += len(data) * criterion(output, targets).item()
    return total / (len(data_source) - 1)


def train():
    model.train()
    hidden = model.init_hidden(BATCH)
    loss_sum, tokens = 0.0, 0
    for i in range(0, train_data.size(0) - 1, BPTT):
        data, targets = get_batch(train_data, i)
        hidden = repackage(hidden)
        model.zero_grad()
        output, hidden = model(data, hidden)
        loss = criterion(output, targets)
        if GLUON:
            # L.backward() on the per-token losses (their sum); clip_global_norm(grads,
            # clip * bptt * batch); trainer.step(batch): w -= lr * grad / batch.
            (loss * targets.numel()).backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP * BPTT * BATCH)
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr / BATCH)
        else:
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
            for p in model.parameters():
                p.data.add_(p.grad, alpha=-lr)
        loss_sum += loss.item() * targets.numel()
        tokens += targets.numel()
    return loss_sum / tokens, tokens


for epoch in range(start + 1, args.epochs + 1):
    started = time.perf_counter()
    train_loss, tokens = train()
    train_seconds = time.perf_counter() - started
    val_loss = evaluate(val_data)
    record = {
        "epoch": epoch,
        "lr": lr,
        "trainPerplexity": math.exp(train_loss),
        "validPerplexity": math.exp(val_loss),
        "trainSeconds": train_seconds,
        "epochSeconds": time.perf_counter() - started,
        "tokensPerSecond": tokens / train_seconds,
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }
    if best_val is None or val_loss < best_val:
        best_val = val_loss
        best_state = {k: v.clone() for k, v in model.state_dict().items()}
    elif not ZAREMBA:
        lr /= 4.0
    if ZAREMBA and epoch >= MAX_EPOCH:
        lr *= LR_DECAY
    print(json.dumps(record), flush=True)
    state = {"model": model.state_dict(), "lr": lr, "best_val": best_val, "epoch": epoch, "best": best_state}
    state["rng"] = torch.get_rng_state()
    torch.save(state, args.state + ".tmp")
    os.replace(args.state + ".tmp", args.state)

if args.test:
    model.load_state_dict(best_state)
    print(json.dumps({"testPerplexity": math.exp(evaluate(test_data))}), flush=True)
