"""PyTorch twins of the five d2l presets, written from d2l.ai chapters 8-9 (PyTorch edition), not
from rnnlm: the whole job a d2l reader runs, in one process, for bench/train-vs-pytorch.mjs.

    /usr/bin/python3 d2l_torch.py --model NAME --text FILE --epochs E --threads N --save FILE

NAME: d2l-rnn-scratch (8.5: hand-written RNN, H 512, torch.mm per step, d2l.sgd),
d2l-rnn (8.6: nn.RNN H 256), d2l-gru (9.1: nn.GRU), d2l-lstm (9.2: nn.LSTM), d2l-deep-lstm
(9.3: nn.LSTM, 2 layers, lr 2). All: Time Machine cleaned as d2l does (letters only, lower
case), characters, the first 10,000 tokens, batch 32, 35 steps, sequential partitioning from a
random offset with the state carried (detached) across batches, mean cross-entropy, d2l's
grad_clipping at 1, SGD. Prints one JSON line per epoch and saves the weights at the end
(torch.save), as `rnnlm train` saves its checkpoint.
"""
import argparse
import collections
import json
import math
import random
import re
import time

import torch
import torch.nn.functional as F
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("--model", required=True,
                    choices=["d2l-rnn-scratch", "d2l-rnn", "d2l-gru", "d2l-lstm", "d2l-deep-lstm"])
parser.add_argument("--text", required=True)
parser.add_argument("--epochs", type=int, required=True)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--save", required=True)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)
random.seed(0)

BATCH, STEPS, MAX_TOKENS = 32, 35, 10000
LR = 2.0 if args.model == "d2l-deep-lstm" else 1.0

# d2l 8.2: read_time_machine, tokenize('char'), Vocab, load_corpus_time_machine(max_tokens).
with open(args.text, encoding="utf-8") as f:
    lines = [re.sub("[^A-Za-z]+", " ", line).strip().lower() for line in f.readlines()]
tokens = [list(line) for line in lines]
counter = collections.Counter(t for line in tokens for t in line)
idx_to_token = ["<unk>"] + [t for t, _ in sorted(counter.items(), key=lambda x: x[1], reverse=True)]
token_to_idx = {t: i for i, t in enumerate(idx_to_token)}
corpus = [token_to_idx[t] for line in tokens for t in line][:MAX_TOKENS]
V = len(idx_to_token)


def seq_data_iter_sequential(corpus, batch_size, num_steps):
    offset = random.randint(0, num_steps)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = torch.tensor(corpus[offset: offset + num_tokens]).reshape(batch_size, -1)
    Ys = torch.tensor(corpus[offset + 1: offset + 1 + num_tokens]).reshape(batch_size, -1)
    for i in range(0, (Xs.shape[1] // num_steps) * num_steps, num_steps):
        yield Xs[:, i: i + num_steps], Ys[:, i: i + num_steps]


class RNNModelScratch:
    """d2l 8.5: parameters N(0, 0.01), tanh RNN written with torch.mm, one step at a time."""

    def __init__(self, vocab_size, num_hiddens):
        def normal(shape):
            return torch.randn(size=shape) * 0.01

        self.num_hiddens = num_hiddens
        self.params = [normal((vocab_size, num_hiddens)), normal((num_hiddens, num_hiddens)),
                       torch.zeros(num_hiddens), normal((num_hiddens, vocab_size)), torch.zeros(vocab_size)]
        for p in self.params:
            p.requires_grad_(True)

    def begin_state(self, batch_size):
        return (torch.zeros((batch_size, self.num_hiddens)),)

    def __call__(self, X, state):
        W_xh, W_hh, b_h, W_hq, b_q = self.params
        inputs = F.one_hot(X.T, V).type(torch.float32)
        (H,) = state
        outputs = []
        for x in inputs:
            H = torch.tanh(torch.mm(x, W_xh) + torch.mm(H, W_hh) + b_h)
            outputs.append(torch.mm(H, W_hq) + b_q)
        return torch.cat(outputs, dim=0), (H,)

    def parameters(self):
        return self.params


class RNNModel(nn.Module):
    """d2l 8.6 RNNModel: one-hot input, a torch.nn recurrent layer, a linear decoder."""

    def __init__(self, rnn_layer, vocab_size):
        super().__init__()
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.linear = nn.Linear(rnn_layer.hidden_size, vocab_size)

    def forward(self, inputs, state):
        X = F.one_hot(inputs.T.long(), self.vocab_size).type(torch.float32)
        Y, state = self.rnn(X, state)
        return self.linear(Y.reshape((-1, Y.shape[-1]))), state

    def begin_state(self, batch_size):
        zeros = torch.zeros((self.rnn.num_layers, batch_size, self.rnn.hidden_size))
        return (zeros, zeros.clone()) if isinstance(self.rnn, nn.LSTM) else zeros


if args.model == "d2l-rnn-scratch":
    net = RNNModelScratch(V, 512)
else:
    layer = {
        "d2l-rnn": lambda: nn.RNN(V, 256),
        "d2l-gru": lambda: nn.GRU(V, 256),
        "d2l-lstm": lambda: nn.LSTM(V, 256),
        "d2l-deep-lstm": lambda: nn.LSTM(V, 256, 2),
    }[args.model]()
    net = RNNModel(layer, V)
params = list(net.parameters())
updater = torch.optim.SGD(params, LR)


def grad_clipping(params, theta):
    norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))
    if norm > theta:
        for p in params:
            p.grad[:] *= theta / norm


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


started = time.perf_counter()
for epoch in range(1, args.epochs + 1):
    epoch_start = time.perf_counter()
    state, loss_sum, count = None, 0.0, 0
    for X, Y in seq_data_iter_sequential(corpus, BATCH, STEPS):
        state = net.begin_state(BATCH) if state is None else detach(state)
        y_hat, state = net(X, state)
        loss = F.cross_entropy(y_hat, Y.T.reshape(-1))
        updater.zero_grad()
        loss.backward()
        grad_clipping(params, 1)
        updater.step()
        loss_sum += float(loss) * Y.numel()
        count += Y.numel()
    seconds = time.perf_counter() - epoch_start
    print(json.dumps({"epoch": epoch, "trainPerplexity": math.exp(loss_sum / count), "seconds": seconds,
                      "tokensPerSecond": count / seconds}), flush=True)

torch.save([p.detach() for p in params], args.save)
print(json.dumps({"done": True, "trainSeconds": time.perf_counter() - started, "threads": args.threads,
                  "torch": torch.__version__}), flush=True)
