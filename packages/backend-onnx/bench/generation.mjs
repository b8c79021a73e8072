// Generation benchmark, batch 1, in one Node process: for the d2l char LSTM-256 (V 28) and a
// word LSTM (V 10,000, emb 200, 2×200; random weights, speed only) on every backend that loads
// (reference, tfjs:cpu, tfjs:wasm, onnx:cpu, onnx:wasm, onnx:cuda), greedy tokens/s
//   - through core's TextGenerator (what `rnnlm generate` and the web app do; it takes a
//     model's multi-token greedy path when the model has one), and sampled (temperature 0.8),
//   - through a plain loop of one-token `model.forward` calls (the per-call path);
// for ONNX Runtime, the per-token cost split into session-call overhead (a one-token call of a
// tiny LSTM, V 2 / hidden 1) and compute (per step of one 256-step call); and PyTorch 1.13's
// eager per-token loop (bench/generation_torch.py, /usr/bin/python3 or RNNLM_PYTHON) at 1 and
// 2 threads. Each figure carries the 1-minute load average when it was taken: the machine is
// shared, so compare variants within one run. Writes bench/results/generation.json.
// Run after building: `pnpm --filter @rnnlm/backend-onnx bench`.
import { execFileSync } from "node:child_process";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { referenceBackend } from "@rnnlm/backend-reference";
import { tfjsBackend } from "@rnnlm/backend-tfjs";
import { disposeState, parseModelSpec, TextGenerator } from "@rnnlm/core";
import { argmax } from "@rnnlm/core/backend";
import { onnxBackend } from "../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
/** Each measurement runs about this long (its token count is sized from a short warm-up). */
const TARGET_MS = Number(process.env.BENCH_MS ?? 2000);
const only = process.env.BENCH_RUNTIMES?.split(",");

const models = [
  {
    key: "char",
    name: "d2l char LSTM (one-hot 28, hidden 256)",
    spec: { cell: "lstm", vocabSize: 28, hiddenSize: 256 },
  },
  {
    key: "word",
    name: "word LSTM (10k vocab, emb 200, 2x200)",
    spec: { cell: "lstm", vocabSize: 10000, hiddenSize: 200, numLayers: 2, embeddingSize: 200 },
  },
];
const PREFIX_IDS = [..."time traveller"].map((ch, i) => (ch.charCodeAt(0) + i) % 28);

/** Tokens are the ids written out, so any vocabulary size works with TextGenerator. */
function idCodec(size) {
  return {
    size,
    unkId: 0,
    separator: " ",
    tokenize: (text) => text.split(" ").filter((t) => t !== ""),
    idOf: (token) => Number(token),
    tokenOf: (id) => String(id),
  };
}

const load = () => Number(loadavg()[0].toFixed(2));

/** Runs `run(tokens)` once small to size it, then for about TARGET_MS; returns tokens/s. */
async function rate(run, minTokens = 20) {
  let tokens = minTokens;
  // The first calls allocate, compile and tier up (V8 takes ORT Web's wasm to full speed only after
  // ~8,000 greedy tokens, about a second): warm as long as the measurement.
  const warmEnd = performance.now() + TARGET_MS;
  while (performance.now() < warmEnd) await run(tokens);
  const t0 = performance.now();
  await run(tokens);
  const perToken = (performance.now() - t0) / tokens;
  tokens = Math.max(minTokens, Math.min(50_000, Math.round(TARGET_MS / Math.max(perToken, 1e-3))));
  const start = performance.now();
  await run(tokens);
  return { tokensPerSecond: (tokens / (performance.now() - start)) * 1000, tokens, loadAverage: load() };
}

/** One `forward` per token after the prefix, argmax on the host (the per-call path). */
async function forwardLoop(model, tokens) {
  const V = model.spec.vocabSize;
  const prefix = Int32Array.from(PREFIX_IDS, (id) => id % V);
  let state = model.beginState(1);
  let out = await model.forward({ ids: prefix, steps: prefix.length, batch: 1 }, state);
  disposeState(state);
  state = out.state;
  let next = argmax((await out.logits.data()).subarray((prefix.length - 1) * V));
  out.logits.dispose();
  for (let i = 1; i < tokens; i++) {
    out = await model.forward({ ids: Int32Array.of(next), steps: 1, batch: 1 }, state);
    disposeState(state);
    state = out.state;
    next = argmax(await out.logits.data());
    out.logits.dispose();
  }
  disposeState(state);
}

/** Per step of one forward over `steps` tokens: the compute, with one call's overhead spread thin. */
async function perStepInOneCall(model, steps = 256) {
  const ids = Int32Array.from({ length: steps }, (_, i) => PREFIX_IDS[i % PREFIX_IDS.length]);
  const state = model.beginState(1);
  const once = async () => {
    const out = await model.forward({ ids, steps, batch: 1 }, state);
    disposeState(out.state);
    out.logits.dispose();
  };
  await once();
  const reps = 5;
  const start = performance.now();
  for (let r = 0; r < reps; r++) await once();
  disposeState(state);
  return { microsecondsPerStep: ((performance.now() - start) * 1000) / (reps * steps), loadAverage: load() };
}

const runtimes = [
  [referenceBackend, "cpu"],
  [tfjsBackend, "cpu"],
  [tfjsBackend, "wasm"],
  [onnxBackend, "cpu"],
  [onnxBackend, "wasm"],
  [onnxBackend, "cuda"],
];
const results = [];
const overhead = [];
for (const [backend, device] of runtimes) {
  const label = backend.name === "reference" ? "reference" : `${backend.name}:${device}`;
  if (only && !only.includes(label)) continue;
  let runtime;
  try {
    runtime = await backend.init(device, {});
  } catch (error) {
    console.log(`${label}: not available — ${error.message.split("\n")[0]}`);
    results.push({ runtime: label, available: false, reason: error.message.split("\n")[0] });
    continue;
  }
  console.log(`${runtime.id}: ${runtime.description}`);
  for (const { key, name, spec } of models) {
    const parsed = parseModelSpec(spec);
    const model = await runtime.createModel(parsed, { seed: 1 });
    const generator = new TextGenerator(model, idCodec(parsed.vocabSize), { onWarning: () => {} });
    const prefix = PREFIX_IDS.join(" ");
    const greedy = await rate((n) => generator.generate(prefix, n, { greedy: true }));
    const sampled = await rate((n) => generator.generate(prefix, n, { temperature: 0.8, seed: 1 }));
    const loop = await rate((n) => forwardLoop(model, n));
    generator.dispose();
    const row = { runtime: runtime.id, available: true, description: runtime.description, model: key, name };
    results.push({ ...row, path: "TextGenerator greedy", ...greedy });
    results.push({ ...row, path: "TextGenerator sampled (T 0.8)", ...sampled });
    results.push({ ...row, path: "forward per token, greedy", ...loop });
    console.log(
      `  ${key}: greedy ${greedy.tokensPerSecond.toFixed(0)} tok/s (load ${greedy.loadAverage}), sampled ${sampled.tokensPerSecond.toFixed(0)} (load ${sampled.loadAverage}), forward per token ${loop.tokensPerSecond.toFixed(0)} (load ${loop.loadAverage})`,
    );
    if (backend.name === "onnx") {
      const batched = await perStepInOneCall(model);
      overhead.push({ runtime: runtime.id, model: key, what: "per step of one 256-step forward", ...batched });
      console.log(`    per step in one 256-step call: ${batched.microsecondsPerStep.toFixed(1)} µs`);
    }
    model.dispose();
  }
  if (backend.name === "onnx") {
    // Session-call overhead: a one-token call of a graph that computes next to nothing.
    const tiny = await runtime.createModel(parseModelSpec({ cell: "lstm", vocabSize: 2, hiddenSize: 1 }), { seed: 1 });
    const r = await rate((n) => forwardLoop(tiny, n), 200);
    tiny.dispose();
    const us = 1e6 / r.tokensPerSecond;
    overhead.push({
      runtime: runtime.id,
      model: "tiny LSTM (V 2, hidden 1)",
      what: "one-token forward call",
      microsecondsPerStep: us,
      loadAverage: r.loadAverage,
    });
    console.log(`  one-token call of a tiny LSTM (V 2, hidden 1): ${us.toFixed(1)} µs (load ${r.loadAverage})`);
  }
}

let torch = null;
const python = process.env.RNNLM_PYTHON ?? "/usr/bin/python3";
try {
  const out = execFileSync(python, [join(here, "generation_torch.py"), "2000", "1000"], { encoding: "utf8" });
  torch = JSON.parse(out);
  for (const r of torch.results) {
    console.log(
      `pytorch ${torch.torch} eager, ${r.threads} thread(s): ${r.model}: ${r.tokensPerSecond.toFixed(0)} tok/s (load ${r.loadAverage.toFixed(2)})`,
    );
  }
} catch (error) {
  console.log(`pytorch: not measured — ${error.message.split("\n")[0]}`);
}

const file = join(here, "results", "generation.json");
await mkdir(dirname(file), { recursive: true });
const report = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  batch: 1,
  results,
  onnxCallOverhead: overhead,
  pytorch: torch,
};
await writeFile(`${file}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
await rename(`${file}.tmp`, file);
console.log(`wrote ${file}`);
