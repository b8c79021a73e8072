// Measures generation tokens/s, batch 1, on onnx:wasm in this browser's main thread: the d2l
// char LSTM-256 (V 28) and a word LSTM (V 10,000, emb 200, 2×200), random weights (speed only),
// through core's TextGenerator greedy (the app's path: ORT Loop calls of up to 64 tokens) and
// sampled (temperature 0.8), and one `forward` per token (the per-call path) for comparison.
import { onnxBackend } from "@rnnlm/backend-onnx/browser";
import { disposeState, type Model, parseModelSpec, TextGenerator, type TokenCodec } from "@rnnlm/core";
import { argmax } from "@rnnlm/core/backend";
import { GENERATION_THREADS, setUpOnnxRuntimeWeb, wasmThreads } from "../src/ort-web-setup.js";

/** V8 takes ORT Web's wasm to full speed only after several thousand tokens: warm first. */
const WARM_UP_MS = 2000;
const MEASURE_MS = 1000;
const ROUNDS = 3;

const status = document.getElementById("status") as HTMLElement;
const resultElement = document.getElementById("result") as HTMLElement;

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
] as const;
const PREFIX_IDS = [..."time traveller"].map((ch, i) => (ch.charCodeAt(0) + i) % 28);

function idCodec(size: number): TokenCodec {
  return {
    size,
    unkId: 0,
    separator: " ",
    tokenize: (text) => text.split(" ").filter((t) => t !== ""),
    idOf: (token) => Number(token),
    tokenOf: (id) => String(id),
  };
}

/** Tokens/s of `run(chunk)` repeated for `ms`. */
async function rateFor(run: (tokens: number) => Promise<void>, chunk: number, ms: number): Promise<number> {
  let tokens = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await run(chunk);
    tokens += chunk;
  }
  return (tokens / (performance.now() - start)) * 1000;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Warms every path, then measures them in alternation, ROUNDS times, and keeps each one's
 * median: on a loaded machine the load drifts, and alternating spreads it evenly.
 */
async function alternate(paths: Record<string, (tokens: number) => Promise<void>>, chunk: number) {
  for (const run of Object.values(paths)) await rateFor(run, chunk, WARM_UP_MS);
  const rates: Record<string, number[]> = Object.fromEntries(Object.keys(paths).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(paths)) {
      status.textContent = `${name}, round ${round + 1}…`;
      rates[name].push(await rateFor(run, chunk, MEASURE_MS));
    }
  }
  return Object.fromEntries(Object.entries(rates).map(([name, r]) => [name, median(r)]));
}

async function forwardLoop(model: Model, tokens: number): Promise<void> {
  let state = model.beginState(1);
  let out = await model.forward({ ids: Int32Array.from(PREFIX_IDS), steps: PREFIX_IDS.length, batch: 1 }, state);
  disposeState(state);
  state = out.state;
  const V = model.spec.vocabSize;
  let next = argmax((await out.logits.data()).subarray((PREFIX_IDS.length - 1) * V));
  for (let i = 1; i < tokens; i++) {
    out = await model.forward({ ids: Int32Array.of(next), steps: 1, batch: 1 }, state);
    disposeState(state);
    state = out.state;
    next = argmax(await out.logits.data());
  }
  disposeState(state);
}

async function main(): Promise<void> {
  // ?threads=N (or max: the training worker's count) overrides the app's generation threads;
  // ORT Web fixes its thread count once per page.
  setUpOnnxRuntimeWeb();
  const asked = new URLSearchParams(location.search).get("threads");
  const threads = asked === "max" ? wasmThreads() : asked === null ? GENERATION_THREADS : Number(asked);
  const runtime = await onnxBackend.init("wasm", { threads });
  const rows = [];
  for (const { key, name, spec } of models) {
    const parsed = parseModelSpec(spec);
    const model = await runtime.createModel(parsed, { seed: 1 });
    const generator = new TextGenerator(model, idCodec(parsed.vocabSize), { onWarning: () => {} });
    const prefix = PREFIX_IDS.join(" ");
    const chunk = key === "char" ? 1000 : 200;
    const rates = await alternate(
      {
        greedyTokensPerSecond: async (n) => void (await generator.generate(prefix, n, { greedy: true })),
        sampledTokensPerSecond: async (n) => void (await generator.generate(prefix, n, { temperature: 0.8, seed: 1 })),
        forwardPerTokenTokensPerSecond: (n) => forwardLoop(model, n),
      },
      chunk,
    );
    generator.dispose();
    model.dispose();
    rows.push({ model: key, name, ...rates });
  }
  const result = {
    runtime: `${runtime.id} — ${runtime.description}`,
    crossOriginIsolated: globalThis.crossOriginIsolated,
    threads,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
    warmUpSecondsPerPath: WARM_UP_MS / 1000,
    measureSecondsPerRound: MEASURE_MS / 1000,
    rounds: ROUNDS,
    rows,
  };
  resultElement.textContent = JSON.stringify(result, null, 2);
  status.textContent = "done";
  (globalThis as { benchResult?: unknown }).benchResult = result;
}

main().catch((error: unknown) => {
  status.textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
  (globalThis as { benchError?: string }).benchError = status.textContent;
});
