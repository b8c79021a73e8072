// Where a fused train step spends its time on one device: runs the d2l configuration (B 32,
// T 35, H 256, V 28 one-hot) a few steps, then profiles one step with `tf.profile` and prints
// the kernels by total time (calls, ms, kernel and input shapes). Every tfjs call is a kernel
// dispatch, so the call counts are the per-step op counts times T.
//   node bench/kernel-profile.mjs [cell=lstm] [device=wasm] [top=25]
import { disposeState, parseModelSpec, parseTrainingOptions, SeededRandom } from "@rnnlm/core";
import * as tf from "@tensorflow/tfjs-core";
import { tfjsBackend } from "../dist/index.js";

const B = 32;
const T = 35;
const H = 256;
const V = 28;
const cell = process.argv[2] ?? "lstm";
const device = process.argv[3] ?? "wasm";
const top = Number(process.argv[4] ?? 25);

const rng = new SeededRandom(0);
const batch = { x: new Int32Array(T * B), y: new Int32Array(T * B), steps: T, batch: B };
for (let i = 0; i < T * B; i++) {
  batch.x[i] = rng.int(0, V - 1);
  batch.y[i] = rng.int(0, V - 1);
}
const runtime = await tfjsBackend.init(device);
const spec = parseModelSpec({ cell, vocabSize: V, hiddenSize: H, init: "d2l" });
const training = parseTrainingOptions({ optimizer: { type: "sgd", lr: 1 }, clip: 1 });
const model = await runtime.createTrainableModel(spec, { training });
let state = model.beginState(B);
const step = async () => {
  const next = (await model.trainStep(batch, state)).state;
  disposeState(state);
  state = next;
};
for (let i = 0; i < 2; i++) await step();
const n = 3;
const t0 = performance.now();
for (let i = 0; i < n; i++) await step();
const ms = (performance.now() - t0) / n;
const profile = await tf.profile(step);
const byKernel = new Map();
for (const k of profile.kernels) {
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const entry = byKernel.get(key) ?? { calls: 0, ms: 0 };
  entry.calls += 1;
  entry.ms += k.kernelTimeMs;
  byKernel.set(key, entry);
}
const sorted = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = sorted.reduce((sum, [, e]) => sum + e.ms, 0);
console.log(`tfjs:${device} ${cell}: ${ms.toFixed(0)} ms per step (${((T * B * 1000) / ms).toFixed(0)} tok/s)`);
console.log(`profiled step: ${profile.kernels.length} kernels, ${kernelMs.toFixed(1)} ms in kernels`);
for (const [key, e] of sorted.slice(0, top))
  console.log(`${String(e.calls).padStart(5)} ${e.ms.toFixed(1).padStart(7)} ms  ${key}`);
disposeState(state);
model.dispose();
