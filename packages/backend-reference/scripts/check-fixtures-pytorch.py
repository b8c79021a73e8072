"""Cross-checks fixtures/conformance against PyTorch in float64 (optional; needs torch + numpy).

For every case: builds PyTorch's word_language_model RNNModel layout (nn.Embedding or
one-hot input, nn.RNN/GRU/LSTM, nn.Linear decoder, tied weights sharing one Parameter),
loads weights.safetensors and state.safetensors, and recomputes logits, final states, the
mean cross-entropy, its gradients, and `trainSteps` steps of clip_grad_norm_ + torch.optim
SGD/Adam/RMSprop, comparing each with expected.safetensors / case.json.

    python packages/backend-reference/scripts/check-fixtures-pytorch.py [--float32] [fixtures/conformance]

With --float32 PyTorch computes in float32 instead, as a float32 backend would, and the
errors are checked against the conformance suite's default fp32 tolerances. Errors use the
suite's metric: |a - b| / max(|b|, floor * max|b|), floor 0.1 unless --floor=F is given.
"""

import json
import struct
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

DTYPE = torch.float32 if "--float32" in sys.argv else torch.float64
# The conformance suite's defaults for float32 backends (FP32_TOLERANCES).
FP32 = {"forward": 1e-5, "loss": 1e-5, "gradients": 1e-4, "trainStep": 1e-4}
DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64}


def read_safetensors(path):
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        data = np.frombuffer(raw[8 + n + begin : 8 + n + end], dtype=DTYPES[entry["dtype"]])
        out[name] = torch.from_numpy(data.reshape(entry["shape"]).astype(np.float64)).to(DTYPE)
    return out


class RNNModel(torch.nn.Module):
    def __init__(self, spec):
        super().__init__()
        V, H, L, E = spec["vocabSize"], spec["hiddenSize"], spec["numLayers"], spec["embeddingSize"]
        self.vocab = V
        self.onehot = E is None
        if not self.onehot:
            self.encoder = torch.nn.Embedding(V, E)
        cell = spec["cell"]
        in_size = V if self.onehot else E
        if cell == "lstm":
            self.rnn = torch.nn.LSTM(in_size, H, L)
        elif cell == "gru":
            self.rnn = torch.nn.GRU(in_size, H, L)
        else:
            self.rnn = torch.nn.RNN(in_size, H, L, nonlinearity=cell[4:])
        self.decoder = torch.nn.Linear(H, V)
        if spec["tied"]:
            self.decoder.weight = self.encoder.weight

    def forward(self, x, hidden):
        emb = F.one_hot(x, self.vocab).to(DTYPE) if self.onehot else self.encoder(x)
        out, hidden = self.rnn(emb, hidden)
        return self.decoder(out).view(-1, self.vocab), hidden


FLOOR = float(dict(a.split("=") for a in sys.argv[1:] if a.startswith("--floor=")).get("--floor", 0.1))


def worst(a, b, floor_fraction=None):
    floor_fraction = FLOOR if floor_fraction is None else floor_fraction
    a, b = a.detach().reshape(-1).double(), b.detach().reshape(-1).double()
    floor = max(floor_fraction * b.abs().max().item(), 1e-12)
    return ((a - b).abs() / torch.clamp(b.abs(), min=floor)).max().item()


def check_case(folder):
    case = json.loads((folder / "case.json").read_text())
    spec, training = case["spec"], case["training"]
    T, B = case["steps"], case["batch"]
    weights = read_safetensors(folder / "weights.safetensors")
    state = read_safetensors(folder / "state.safetensors")
    expected = read_safetensors(folder / "expected.safetensors")
    x = torch.tensor(case["x"]).view(T, B)
    y = torch.tensor(case["y"])
    lstm = spec["cell"] == "lstm"
    hidden0 = (state["h"], state["c"]) if lstm else state["h"]

    model = RNNModel(spec).to(DTYPE)
    model.load_state_dict(weights, strict=True)
    errors = {}

    logits, hidden = model(x, hidden0)
    loss = F.cross_entropy(logits, y)
    loss.backward()
    errors["logits"] = worst(logits, expected["logits"])
    errors["hn"] = worst(hidden[0] if lstm else hidden, expected["hn"])
    if lstm:
        errors["cn"] = worst(hidden[1], expected["cn"])
    errors["loss"] = abs(loss.item() - case["expected"]["loss"]) / abs(case["expected"]["loss"])
    named = dict(model.named_parameters())  # tied: decoder.weight is deduplicated away
    for name, p in named.items():
        errors[f"grad.{name}"] = worst(p.grad, expected[f"grad.{name}"])

    opt = training["optimizer"]
    model = RNNModel(spec).to(DTYPE)
    model.load_state_dict(weights, strict=True)
    if opt["type"] == "sgd":
        optimizer = torch.optim.SGD(
            model.parameters(), lr=opt["lr"], momentum=opt["momentum"], weight_decay=opt["weightDecay"]
        )
    elif opt["type"] == "rmsprop":
        optimizer = torch.optim.RMSprop(
            model.parameters(), lr=opt["lr"], alpha=opt["alpha"], eps=opt["eps"], weight_decay=opt["weightDecay"]
        )
    else:
        optimizer = torch.optim.Adam(
            model.parameters(),
            lr=opt["lr"],
            betas=(opt["beta1"], opt["beta2"]),
            eps=opt["eps"],
            weight_decay=opt["weightDecay"],
        )
    for i, step in enumerate(case["expected"]["trainSteps"]):
        optimizer.zero_grad()
        logits, _ = model(x, hidden0)
        loss = F.cross_entropy(logits, y)
        loss.backward()
        if training["clip"] is not None:
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), training["clip"])
        else:
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), float("inf"))
        optimizer.step()
        errors[f"step{i + 1}.loss"] = abs(loss.item() - step["loss"]) / abs(step["loss"])
        errors[f"step{i + 1}.gradNorm"] = abs(norm.item() - step["gradNorm"]) / abs(step["gradNorm"])
    for name, w in model.state_dict().items():
        errors[f"updated.{name}"] = worst(w, expected[f"updated.{name}"])
    return errors


def tolerance(name):
    if DTYPE == torch.float64:
        return 1e-9
    if name.startswith("grad.") or name.endswith("gradNorm"):
        return FP32["gradients"]
    if name.startswith("updated."):
        return FP32["trainStep"]
    if name.endswith("loss"):
        return FP32["loss"]
    return FP32["forward"]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = Path(args[0] if args else Path(__file__).parents[3] / "fixtures" / "conformance")
    torch.set_default_dtype(DTYPE)
    failed = []
    for folder in sorted(p for p in root.iterdir() if (p / "case.json").exists()):
        errors = check_case(folder)
        ratio = {k: v / tolerance(k) for k, v in errors.items()}
        name = max(ratio, key=ratio.get)
        print(f"{folder.name:32s} worst {name:28s} {errors[name]:.3e} ({ratio[name]:.2f} of tolerance)")
        failed += [f"{folder.name} {k}" for k, r in ratio.items() if r > 1]
    print(f"PyTorch {DTYPE}: {len(failed)} checks over tolerance" + (": " + ", ".join(failed) if failed else ""))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
