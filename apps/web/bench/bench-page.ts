// Measures training tokens/s for the d2l LSTM (one-hot, hidden 256, batch 32 × 35 steps) in this
// browser: the app's training worker on onnx:wasm, then a tf.layers LSTM on tfjs's WASM backend
// (tfjs-examples' lstm-text-generation approach, on the main thread as there).
import * as tf from "@tensorflow/tfjs-core";
// The full tfjs bundle registers these as side effects; with tfjs-core alone they are explicit.
import "@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import * as tfl from "@tensorflow/tfjs-layers";
import { setUpOnnxRuntimeWeb } from "../src/ort-web-setup.js";
import type { PageToWorker, WorkerToPage } from "../src/train/train-protocol.js";

const WARM_UP_MS = 3000;
const MEASURE_MS = 8000;
const BATCH = 32;
const STEPS = 35;

const status = document.getElementById("status") as HTMLElement;
const resultElement = document.getElementById("result") as HTMLElement;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Random lower-case letters and spaces: the d2l vocabulary (28 with <unk>); speed ignores content. */
function benchText(length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz ";
  let seed = 1;
  let text = "";
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    text += alphabet[seed % alphabet.length];
  }
  return text;
}

async function benchWorker(wasmPaths: string, threads: number): Promise<{ tokensPerSecond: number; runtime: string }> {
  const worker = new Worker(new URL("../src/train/train-worker.ts", import.meta.url), { type: "module" });
  const send = (message: PageToWorker): void => worker.postMessage(message);
  return new Promise((resolve, reject) => {
    let runtime = "";
    let firstStep: number | null = null;
    const rates: number[] = [];
    worker.addEventListener("message", (event: MessageEvent<WorkerToPage>) => {
      const message = event.data;
      if (message.type === "started") runtime = `${message.info.runtime} — ${message.info.description}`;
      if (message.type === "state" && message.state === "failed") reject(new Error(message.message));
      if (message.type !== "step") return;
      const now = performance.now();
      firstStep ??= now;
      if (now - firstStep < WARM_UP_MS) return;
      rates.push(message.tokensPerSecond);
      if (now - firstStep >= WARM_UP_MS + MEASURE_MS) {
        send({ type: "stop" });
        worker.terminate();
        resolve({ tokensPerSecond: median(rates), runtime });
      }
    });
    send({ type: "init", wasmPaths, threads });
    send({
      type: "start",
      request: { text: benchText(60_000), clean: "d2l", preset: "d2l-lstm", epochs: 1000, device: "wasm" },
    });
  });
}

async function benchTfjs(vocabSize: number, threads: number): Promise<{ tokensPerSecond: number; runtime: string }> {
  setWasmPaths(new URL("tfjs/", document.baseURI).href);
  setThreadsCount(threads);
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs's WASM backend did not start");
  await tf.ready();
  const model = tfl.sequential();
  model.add(tfl.layers.lstm({ units: 256, returnSequences: true, inputShape: [STEPS, vocabSize] }));
  model.add(tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: vocabSize, activation: "softmax" }) }));
  model.compile({ optimizer: tf.train.sgd(1), loss: "categoricalCrossentropy" });
  const ids = (n: number): number[] => Array.from({ length: n }, (_, i) => (i * 7 + 3) % vocabSize);
  const x = tf.cast(tf.oneHot(tf.tensor2d(ids(BATCH * STEPS), [BATCH, STEPS], "int32"), vocabSize), "float32");
  const y = tf.cast(
    tf.oneHot(tf.tensor2d(ids(BATCH * STEPS).reverse(), [BATCH, STEPS], "int32"), vocabSize),
    "float32",
  );
  const started = performance.now();
  const stepSeconds: number[] = [];
  while (performance.now() - started < WARM_UP_MS + MEASURE_MS) {
    const t0 = performance.now();
    await model.trainOnBatch(x, y);
    if (t0 - started >= WARM_UP_MS) stepSeconds.push((performance.now() - t0) / 1000);
  }
  x.dispose();
  y.dispose();
  model.dispose();
  if (stepSeconds.length === 0) throw new Error("tfjs finished no step inside the measuring window");
  return {
    tokensPerSecond: (BATCH * STEPS) / median(stepSeconds),
    runtime: `tfjs ${tf.version_core} wasm, ${getThreadsCount()} thread(s), ${stepSeconds.length} timed steps`,
  };
}

async function main(): Promise<void> {
  const { wasmPaths, threads } = setUpOnnxRuntimeWeb();
  status.textContent = "measuring rnnlm's training worker…";
  const ours = await benchWorker(wasmPaths, threads);
  // Each worker loads its own ONNX Runtime, so a second one can run single-threaded, like tfjs below.
  status.textContent = "measuring rnnlm's training worker on 1 thread…";
  const oursOneThread = await benchWorker(wasmPaths, 1);
  status.textContent = "measuring the tf.layers LSTM…";
  const tfjs = await benchTfjs(28, threads);
  const result = {
    model: "d2l LSTM: one-hot V 28, LSTM 256, batch 32 × 35 steps, SGD lr 1",
    crossOriginIsolated: globalThis.crossOriginIsolated,
    threads,
    hardwareConcurrency: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent,
    warmUpSeconds: WARM_UP_MS / 1000,
    measureSeconds: MEASURE_MS / 1000,
    rnnlmWorker: ours,
    rnnlmWorkerOneThread: oursOneThread,
    tfjsLayers: tfjs,
    ratio: ours.tokensPerSecond / tfjs.tokensPerSecond,
    ratioOneThread: oursOneThread.tokensPerSecond / tfjs.tokensPerSecond,
  };
  resultElement.textContent = JSON.stringify(result, null, 2);
  status.textContent = "done";
  (globalThis as { benchResult?: unknown }).benchResult = result;
}

main().catch((error: unknown) => {
  status.textContent = `failed: ${error instanceof Error ? error.message : String(error)}`;
  (globalThis as { benchError?: string }).benchError = status.textContent;
});
