"""PyTorch's eager per-token greedy loop, the twin of bench/generation.mjs's models.

Prints one JSON object: tokens/s per model and thread count. Random weights (speed only).
Usage: python3 bench/generation_torch.py TOKENS_CHAR TOKENS_WORD
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

torch.manual_seed(0)


class CharLSTM(torch.nn.Module):
    """d2l's RNNModel: one-hot input, nn.LSTM, a Linear decoder."""

    def __init__(self, vocab, hidden):
        super().__init__()
        self.vocab = vocab
        self.rnn = torch.nn.LSTM(vocab, hidden)
        self.linear = torch.nn.Linear(hidden, vocab)

    def forward(self, ids, state):
        x = F.one_hot(ids, self.vocab).float()
        y, state = self.rnn(x, state)
        return self.linear(y.reshape(-1, y.shape[-1])), state


class WordLSTM(torch.nn.Module):
    """PyTorch word_language_model's RNNModel (no dropout at inference)."""

    def __init__(self, vocab, emb, hidden, layers):
        super().__init__()
        self.encoder = torch.nn.Embedding(vocab, emb)
        self.rnn = torch.nn.LSTM(emb, hidden, layers)
        self.decoder = torch.nn.Linear(hidden, vocab)

    def forward(self, ids, state):
        y, state = self.rnn(self.encoder(ids), state)
        return self.decoder(y.reshape(-1, y.shape[-1])), state


def greedy_rate(model, layers, hidden, prefix, tokens):
    """d2l's predict loop: warm up on the prefix, then one forward per token, argmax on the logits."""
    with torch.no_grad():
        state = (torch.zeros(layers, 1, hidden), torch.zeros(layers, 1, hidden))
        logits, state = model(torch.tensor(prefix).reshape(-1, 1), state)
        nxt = int(logits[-1].argmax())
        start = time.perf_counter()
        for _ in range(tokens - 1):
            logits, state = model(torch.tensor([[nxt]]), state)
            nxt = int(logits[-1].argmax())
        return (tokens - 1) / (time.perf_counter() - start)


def main():
    tokens_char = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    tokens_word = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    prefix = [(ord(ch) + i) % 28 for i, ch in enumerate("time traveller")]
    models = [
        ("d2l char LSTM (one-hot 28, hidden 256)", CharLSTM(28, 256).eval(), 1, 256, prefix, tokens_char),
        ("word LSTM (10k vocab, emb 200, 2x200)", WordLSTM(10000, 200, 200, 2).eval(), 2, 200, prefix, tokens_word),
    ]
    results = []
    for threads in (1, 2):
        torch.set_num_threads(threads)
        for name, model, layers, hidden, pre, tokens in models:
            greedy_rate(model, layers, hidden, pre, 100)  # warm-up
            rate = greedy_rate(model, layers, hidden, pre, tokens)
            results.append(
                {"model": name, "threads": threads, "tokensPerSecond": rate, "loadAverage": os.getloadavg()[0]}
            )
    print(json.dumps({"torch": torch.__version__, "results": results}))


if __name__ == "__main__":
    main()
