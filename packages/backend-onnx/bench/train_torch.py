"""PyTorch reference for bench/train.mjs: one training step = forward, mean cross-entropy,
backward, clip_grad_norm_, SGD update, on the same shapes as the ONNX bench.

    python3 train_torch.py CONFIG CELL THREADS SECONDS   (CONFIG: d2l | zaremba)

Prints one JSON line: {"ms": [per-step milliseconds...], "threads": n, "torch": version}.
d2l: one-hot V 28 (time-major, as d2l feeds nn.RNN), 1 layer H 256, B 32, T 35, lr 1, clip 1.
zaremba: embedding V 10000 → 2 × LSTM 200 → decoder, B 20, T 20, lr 1, clip 5.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

config, cell, threads, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(0)

if config == "d2l":
    V, H, L, B, T, E, clip = 28, 256, 1, 32, 35, None, 1.0
else:
    V, H, L, B, T, E, clip = 10000, 200, 2, 20, 20, 200, 5.0

rnn_class = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn_tanh": nn.RNN, "rnn_relu": nn.RNN}[cell]
extra = {"nonlinearity": "relu"} if cell == "rnn_relu" else {}
rnn = rnn_class(E or V, H, L, **extra)
decoder = nn.Linear(H, V)
encoder = nn.Embedding(V, E) if E else None
params = list(rnn.parameters()) + list(decoder.parameters()) + (list(encoder.parameters()) if encoder else [])
optimizer = torch.optim.SGD(params, lr=1.0)

x = torch.randint(0, V, (T, B))
y = torch.randint(0, V, (T * B,))
zeros = torch.zeros(L, B, H)
state = (zeros, zeros.clone()) if cell == "lstm" else zeros


def step():
    inputs = encoder(x) if encoder else F.one_hot(x, V).float()
    out, _ = rnn(inputs, state)
    loss = F.cross_entropy(decoder(out.reshape(-1, H)), y)
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, clip)
    optimizer.step()
    return loss.item()


for _ in range(3):
    step()
times = []
started = time.perf_counter()
while len(times) < 5 or (time.perf_counter() - started < seconds and len(times) < 400):
    t0 = time.perf_counter()
    step()
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"ms": times, "threads": torch.get_num_threads(), "torch": torch.__version__}))
