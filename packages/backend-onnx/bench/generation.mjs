// Generation benchmark: greedy, batch 1, 1,000 tokens, on every ONNX Runtime device that loads
// and on the tfjs backend (wasm) in the same run. Prints tokens/s, first-token latency and the
// ratio to tfjs:wasm, and writes bench/results/generation.json.
// Run after building: `pnpm --filter @rnnlm/backend-onnx bench` (turbo builds first).
import { writeFile, mkdir, rename } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { disposeState, parseModelSpec } from "@rnnlm/core";
import { tfjsBackend } from "@rnnlm/backend-tfjs";
import { onnxBackend } from "../dist/index.js";

const TOKENS = Number(process.env.BENCH_TOKENS ?? 1000);
const PREFIX = "time traveller";
const here = dirname(fileURLToPath(import.meta.url));

const models = [
  { name: "d2l char LSTM (one-hot 28, hidden 256)", spec: { cell: "lstm", vocabSize: 28, hiddenSize: 256 } },
  { name: "d2l char GRU (one-hot 28, hidden 256)", spec: { cell: "gru", vocabSize: 28, hiddenSize: 256 } },
  {
    name: "word LSTM (PTB small: 10k vocab, emb 200, 2x200)",
    spec: { cell: "lstm", vocabSize: 10000, hiddenSize: 200, numLayers: 2, embeddingSize: 200 },
  },
];

function argmax(row) {
  let best = 0;
  for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
  return best;
}

async function generate(model, prefixIds, tokens = TOKENS) {
  const start = performance.now();
  let state = model.beginState(1);
  // Warm-up on the prefix (one forward over the whole prefix), then one token at a time.
  let out = await model.forward({ ids: Int32Array.from(prefixIds), steps: prefixIds.length, batch: 1 }, state);
  disposeState(state);
  state = out.state;
  const V = model.spec.vocabSize;
  let next = argmax(out.logits.dataSync().subarray((prefixIds.length - 1) * V));
  const firstTokenMs = performance.now() - start;
  const loopStart = performance.now();
  for (let i = 1; i < tokens; i++) {
    out = await model.forward({ ids: Int32Array.of(next), steps: 1, batch: 1 }, state);
    disposeState(state);
    state = out.state;
    next = argmax(out.logits.dataSync());
  }
  const loopMs = performance.now() - loopStart;
  disposeState(state);
  return { firstTokenMs, tokensPerSecond: ((tokens - 1) / loopMs) * 1000, totalMs: performance.now() - start };
}

const results = [];
const runtimes = [
  [onnxBackend, "cpu"],
  [onnxBackend, "cuda"],
  [onnxBackend, "wasm"],
  [tfjsBackend, "wasm"],
];
for (const [backend, device] of runtimes) {
  let runtime;
  const initStart = performance.now();
  try {
    runtime = await backend.init(device, {});
  } catch (error) {
    console.log(`${backend.name}:${device}: not available — ${error.message.split("\n")[0]}`);
    results.push({ runtime: `${backend.name}:${device}`, available: false, reason: error.message });
    continue;
  }
  const initMs = performance.now() - initStart;
  console.log(`${runtime.id}: ${runtime.description} (init ${initMs.toFixed(0)} ms)`);
  for (const { name, spec } of models) {
    const parsed = parseModelSpec(spec);
    const loadStart = performance.now();
    const model = await runtime.createModel(parsed, { seed: 1 });
    const loadMs = performance.now() - loadStart;
    const prefixIds = [...PREFIX].map((ch, i) => (ch.charCodeAt(0) + i) % parsed.vocabSize);
    await generate(model, prefixIds, 100); // warm the session (and the JIT) first
    const r = await generate(model, prefixIds);
    model.dispose();
    console.log(
      `  ${name}: ${r.tokensPerSecond.toFixed(0)} tokens/s, first token ${r.firstTokenMs.toFixed(2)} ms, model build ${loadMs.toFixed(0)} ms`,
    );
    results.push({
      runtime: runtime.id,
      available: true,
      description: runtime.description,
      model: name,
      spec: parsed,
      tokens: TOKENS,
      batch: 1,
      decoding: "greedy",
      tokensPerSecond: r.tokensPerSecond,
      firstTokenMs: r.firstTokenMs,
      modelBuildMs: loadMs,
    });
  }
}

console.log("\nratio to tfjs:wasm (tokens/s):");
for (const r of results) {
  if (!r.available || r.runtime === "tfjs:wasm") continue;
  const base = results.find((b) => b.runtime === "tfjs:wasm" && b.model === r.model);
  if (base)
    console.log(`  ${r.runtime.padEnd(10)} ${r.model}: ${(r.tokensPerSecond / base.tokensPerSecond).toFixed(2)}x`);
}

const file = join(here, "results", "generation.json");
await mkdir(dirname(file), { recursive: true });
const report = {
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  loadAverageAtEnd: loadavg(),
  results,
};
await writeFile(`${file}.tmp`, `${JSON.stringify(report, null, 2)}\n`);
await rename(`${file}.tmp`, file);
console.log(`wrote ${file}`);
