import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveCheckpoint } from "../src/node/index.js";
import type { ModelSpecInput } from "../src/spec.js";
import { canonicalWeightShapes } from "../src/weights.js";
import { sampleCheckpoint, tempFolder } from "./checkpoint-fixture.js";

/**
 * model.safetensors as Python users see it: parsed by the safetensors package (or, without
 * it, by a parser written from the format specification in the snippet below) and loaded
 * into PyTorch's word_language_model RNNModel with load_state_dict(strict=True).
 *
 * Python: $RNNLM_PYTHON, else /usr/bin/python3 (the system Python, where apt installs
 * python3-torch). Without Python, torch or safetensors the checks that need them are
 * skipped with the reason printed; RNNLM_REQUIRE_TOOLS=1 turns every skip into a failure.
 */
const PYTHON = process.env.RNNLM_PYTHON ?? "/usr/bin/python3";
const REQUIRE = process.env.RNNLM_REQUIRE_TOOLS === "1";

const PROBE = `
import importlib.util, json, sys
print(json.dumps({m: importlib.util.find_spec(m) is not None for m in ["torch", "safetensors", "numpy"]}))
`;

function probe(): { torch: boolean; safetensors: boolean; numpy: boolean } | string {
  const run = spawnSync(PYTHON, ["-c", PROBE], { encoding: "utf8", timeout: 30_000 });
  if (run.error) return `${PYTHON} cannot run (${run.error.message}); set RNNLM_PYTHON to a Python 3`;
  if (run.status !== 0) return `${PYTHON} failed: ${run.stderr.trim()}`;
  return JSON.parse(run.stdout);
}
const found = probe();
const python = typeof found === "string" ? null : found;

/**
 * Runs `check` when `missing` is null; otherwise skips with the reason printed, or fails when
 * tools are required and `requirable` (Debian packages Python and torch, not safetensors).
 */
function itWhen(missing: string | null, name: string, check: () => Promise<void>, requirable = true): void {
  if (missing === null) {
    it(name, check, 120_000);
  } else if (REQUIRE && requirable) {
    it(name, () => {
      throw new Error(`RNNLM_REQUIRE_TOOLS=1 but ${missing}`);
    });
  } else {
    console.warn(`skipped "${name}": ${missing}`);
    it.skip(`${name} (skipped: ${missing})`, () => {});
  }
}

/**
 * PyTorch word_language_model's RNNModel (pytorch/examples, word_language_model/model.py):
 * constructor, forward and init_hidden as there; weight init and the Transformer left out.
 */
const MODEL_PY = `import torch.nn as nn


class RNNModel(nn.Module):
    def __init__(self, rnn_type, ntoken, ninp, nhid, nlayers, dropout=0.5, tie_weights=False):
        super().__init__()
        self.ntoken = ntoken
        self.drop = nn.Dropout(dropout)
        self.encoder = nn.Embedding(ntoken, ninp)
        if rnn_type in ["LSTM", "GRU"]:
            self.rnn = getattr(nn, rnn_type)(ninp, nhid, nlayers, dropout=dropout)
        else:
            nonlinearity = {"RNN_TANH": "tanh", "RNN_RELU": "relu"}[rnn_type]
            self.rnn = nn.RNN(ninp, nhid, nlayers, nonlinearity=nonlinearity, dropout=dropout)
        self.decoder = nn.Linear(nhid, ntoken)
        if tie_weights:
            if nhid != ninp:
                raise ValueError("When using the tied flag, nhid must be equal to emsize")
            self.decoder.weight = self.encoder.weight
        self.rnn_type, self.nhid, self.nlayers = rnn_type, nhid, nlayers

    def forward(self, input, hidden):
        emb = self.drop(self.encoder(input))
        output, hidden = self.rnn(emb, hidden)
        output = self.drop(output)
        decoded = self.decoder(output).view(-1, self.ntoken)
        return nn.functional.log_softmax(decoded, dim=1), hidden

    def init_hidden(self, bsz):
        weight = next(self.parameters())
        if self.rnn_type == "LSTM":
            return (weight.new_zeros(self.nlayers, bsz, self.nhid), weight.new_zeros(self.nlayers, bsz, self.nhid))
        return weight.new_zeros(self.nlayers, bsz, self.nhid)
`;

/**
 * The Python side: parse every file per the specification, then with the safetensors package,
 * then load into RNNModel (model.py above, in the working folder) and run a forward pass.
 */
const SCRIPT = `
import json, struct, sys

def parse_per_spec(path):
    """safetensors from its specification: u64 LE header size, JSON header, raw LE data."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    assert n % 8 == 0 and n < 100_000_000, "header size"
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    meta = header.pop("__metadata__", {})
    out, end = {}, 0
    for name, t in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        b, e = t["data_offsets"]
        assert b == end, "contiguous"
        assert t["dtype"] == "F32"
        count = 1
        for d in t["shape"]:
            count *= d
        assert e - b == 4 * count
        out[name] = (t["shape"], data[b:e])
        end = e
    assert end == len(data), "no trailing bytes"
    return meta, out, list(header)

cases = json.load(open(sys.argv[1]))
have = json.loads(sys.argv[2])
report = []
for case in cases:
    path = case["dir"] + "/model.safetensors"
    meta, tensors, order = parse_per_spec(path)
    assert meta == {"format": "pt"}, meta
    assert order == list(case["expected"]), (order, list(case["expected"]))
    for name, want in case["expected"].items():
        shape, raw = tensors[name]
        assert shape == want["shape"], (name, shape)
        assert raw.hex() == want["hex"], name
    checked = ["spec-parser"]
    if have["safetensors"] and have["numpy"]:
        from safetensors.numpy import load_file
        arrays = load_file(path)
        assert sorted(arrays) == sorted(case["expected"])
        for name, want in case["expected"].items():
            a = arrays[name]
            assert str(a.dtype) == "float32" and list(a.shape) == want["shape"], name
            assert a.astype("<f4").tobytes().hex() == want["hex"], name
        checked.append("safetensors")
    if have["torch"] and case["spec"]["embeddingSize"] is not None:
        import torch
        import torch.nn as nn

        from model import RNNModel

        spec = case["spec"]
        rnn_type = {"lstm": "LSTM", "gru": "GRU", "rnn_tanh": "RNN_TANH", "rnn_relu": "RNN_RELU"}[spec["cell"]]
        model = RNNModel(rnn_type, spec["vocabSize"], spec["embeddingSize"], spec["hiddenSize"], spec["numLayers"],
                         dropout=0.0, tie_weights=spec["tied"])
        if have["safetensors"]:
            from safetensors.torch import load_file as load_torch
            state = load_torch(path)
        else:
            state = {n: torch.frombuffer(bytearray(raw), dtype=torch.float32).reshape(shape) for n, (shape, raw) in tensors.items()}
        assert list(model.state_dict()) == list(case["expected"]), list(model.state_dict())
        model.load_state_dict(state, strict=True)
        for name, value in model.state_dict().items():
            assert value.numpy().astype("<f4").tobytes().hex() == case["expected"][name]["hex"], name
        if spec["tied"]:
            assert model.decoder.weight is model.encoder.weight
        model.eval()
        T, B = 3, 2
        ids = torch.arange(T * B).reshape(T, B) % spec["vocabSize"]
        with torch.no_grad():
            out, _ = model(ids, model.init_hidden(B))
        assert tuple(out.shape) == (T * B, spec["vocabSize"]) and bool(torch.isfinite(out).all())
        checked.append("torch load_state_dict(strict=True) + forward")
    report.append({"dir": case["dir"], "checked": checked})
print(json.dumps(report))
`;

const SPECS: ModelSpecInput[] = [
  { cell: "lstm", vocabSize: 11, hiddenSize: 6, numLayers: 2, embeddingSize: 6, tied: true, init: "word-lm" },
  { cell: "gru", vocabSize: 7, hiddenSize: 5, embeddingSize: 3 },
  { cell: "rnn_tanh", vocabSize: 6, hiddenSize: 4, numLayers: 2, embeddingSize: 4, tied: true },
  { cell: "rnn_relu", vocabSize: 5, hiddenSize: 3, embeddingSize: 2 },
  { cell: "lstm", vocabSize: 4, hiddenSize: 3 }, // one-hot (d2l): no encoder, so not an RNNModel
];

let root: { path: string; remove: () => Promise<void> };
let casesFile: string;
beforeAll(async () => {
  root = await tempFolder();
  const cases = [];
  for (const [i, spec] of SPECS.entries()) {
    const data = sampleCheckpoint(spec, { seed: 100 + i });
    const dir = join(root.path, `case${i}`);
    await saveCheckpoint(dir, data);
    const expected: Record<string, { shape: readonly number[]; hex: string }> = {};
    // In PyTorch state_dict order, which the file's header must follow.
    for (const [name] of canonicalWeightShapes(data.spec)) {
      const w = data.weights[name];
      const f32 = Float32Array.from(w.data);
      expected[name] = { shape: w.shape, hex: Buffer.from(f32.buffer).toString("hex") };
    }
    cases.push({ dir, spec: data.spec, expected });
  }
  casesFile = join(root.path, "cases.json");
  await writeFile(casesFile, JSON.stringify(cases));
  await writeFile(join(root.path, "model.py"), MODEL_PY);
});
afterAll(async () => {
  await root?.remove();
});

let report: Array<{ dir: string; checked: string[] }> | undefined;
/** Runs the Python checks once (importing torch takes seconds) and returns what each case checked. */
function runPython(): Array<{ dir: string; checked: string[] }> {
  if (report !== undefined) return report;
  const run = spawnSync(PYTHON, ["-c", SCRIPT, casesFile, JSON.stringify(python)], {
    cwd: root.path,
    encoding: "utf8",
    timeout: 110_000,
  });
  expect(run.error, run.error?.message).toBeUndefined();
  expect(run.status, run.stderr).toBe(0);
  report = JSON.parse(run.stdout) as Array<{ dir: string; checked: string[] }>;
  return report;
}

describe("model.safetensors in Python", () => {
  const noPython = python === null ? (found as string) : null;
  itWhen(
    noPython,
    "parses per the safetensors specification with the expected names, shapes and float32 bits",
    async () => {
      const report = runPython();
      expect(report).toHaveLength(SPECS.length);
      for (const entry of runPython()) expect(entry.checked).toContain("spec-parser");
    },
  );

  itWhen(
    noPython ??
      (python?.safetensors && python.numpy
        ? null
        : `${PYTHON} lacks the safetensors package (pip install safetensors)`),
    "loads with Python's safetensors package",
    async () => {
      for (const entry of runPython()) expect(entry.checked).toContain("safetensors");
    },
    false,
  );

  itWhen(
    noPython ?? (python?.torch ? null : `${PYTHON} lacks torch (apt-get install python3-torch)`),
    "loads into PyTorch's word_language_model RNNModel with load_state_dict(strict=True)",
    async () => {
      const withTorch = runPython().filter((r) => r.checked.includes("torch load_state_dict(strict=True) + forward"));
      expect(withTorch).toHaveLength(SPECS.filter((s) => s.embeddingSize != null).length);
    },
  );

  itWhen(
    noPython ??
      (python?.torch && python.safetensors
        ? null
        : `${PYTHON} lacks torch or safetensors (pip install torch safetensors)`),
    "runs the README snippet: RNNModel.load_state_dict(load_file(...), strict=True)",
    async () => {
      const readme = await readFile(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
      const section = readme.slice(readme.indexOf("### Loading `model.safetensors` in PyTorch"));
      const snippet = /```python\n([\s\S]*?)```/.exec(section)?.[1];
      expect(snippet, "README.md has the Python snippet").toBeDefined();
      const dir = join(root.path, "case0");
      const code = `${snippet!.replace('"checkpoints/ptb-lstm"', JSON.stringify(dir))}\nprint(sum(p.numel() for p in model.parameters()))\n`;
      expect(code).toContain(dir);
      const run = spawnSync(PYTHON, ["-c", code], { cwd: root.path, encoding: "utf8", timeout: 110_000 });
      expect(run.status, run.stderr).toBe(0);
      // LSTM 2×6, vocabulary 11, tied: 11·6 + 2·(24·6 + 24·6 + 24 + 24) + 11 = 749 distinct parameters.
      expect(Number(run.stdout.trim())).toBe(749);
    },
    false,
  );
});
