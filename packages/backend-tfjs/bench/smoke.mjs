#!/usr/bin/env node
import { tfjsBackend } from "@rnnlm/backend-tfjs";
// One-command check that a tfjs device loads and trains on this machine:
//   node node_modules/@rnnlm/backend-tfjs/bench/smoke.mjs cuda      (or cpu-native, wasm, cpu)
// It loads the device, trains a small LSTM for 30 steps on a repeating text, and checks the
// loss fell, that gradients agree with the wasm backend's, and prints tokens/s.
import { disposeState, parseModelSpec, parseTrainingOptions } from "@rnnlm/core";

const device = process.argv[2] ?? "cuda";
const runtime = await tfjsBackend.init(device).catch((error) => {
  console.error(`FAIL: tfjs:${device} did not load: ${error.message}`);
  process.exit(1);
});
console.log(`loaded ${runtime.id}: ${runtime.description}`);
const text = "the time traveller smiled. ".repeat(200);
const alphabet = [...new Set(text)].sort();
const V = alphabet.length;
const T = 35;
const B = 32;
const spec = parseModelSpec({ cell: "lstm", vocabSize: V, hiddenSize: 256 });
const training = parseTrainingOptions({ optimizer: { type: "adam", lr: 0.01 }, clip: 1 });
const batch = { x: new Int32Array(T * B), y: new Int32Array(T * B), steps: T, batch: B };
for (let t = 0; t < T; t++) {
  for (let b = 0; b < B; b++) {
    const i = b * 97 + t;
    batch.x[t * B + b] = alphabet.indexOf(text[i]);
    batch.y[t * B + b] = alphabet.indexOf(text[i + 1]);
  }
}
const model = await runtime.createTrainableModel(spec, { seed: 1, training });
const check = await (await tfjsBackend.init("wasm")).createTrainableModel(spec, { seed: 1, training });
const s0 = check.beginState(B);
const want = await check.gradients(batch, s0);
const s1 = model.beginState(B);
const got = await model.gradients(batch, s1);
let worst = 0;
for (const [name, g] of Object.entries(want.grads)) {
  let max = 0;
  for (const v of g.data) max = Math.max(max, Math.abs(v));
  for (let i = 0; i < g.data.length; i++)
    worst = Math.max(worst, Math.abs(got.grads[name].data[i] - g.data[i]) / (max + 1e-12));
}
console.log(`gradients vs tfjs:wasm: worst error ${worst.toExponential(2)} of each tensor's largest entry`);
const first = (await model.evaluate(batch, s1)).loss;
const t0 = performance.now();
let last = first;
for (let i = 0; i < 30; i++) {
  const r = await model.trainStep(batch, s1);
  disposeState(r.state);
  last = r.loss;
}
const seconds = (performance.now() - t0) / 1000;
console.log(
  `loss ${first.toFixed(3)} -> ${last.toFixed(3)} in 30 steps, ${((30 * T * B) / seconds).toFixed(0)} tokens/s`,
);
const ok = worst < 1e-3 && last < first * 0.5;
console.log(ok ? "OK" : "FAIL");
process.exit(ok ? 0 : 1);
