import * as tf from "@tensorflow/tfjs-core";
import { disposeState, parseModelSpec } from "@rnnlm/core";
import { tfjsBackend } from "./dist/index.js";
const rt = await tfjsBackend.init(process.argv[2] ?? "wasm", {});
const spec = parseModelSpec({ cell: "lstm", vocabSize: 10000, hiddenSize: 200, numLayers: 2, embeddingSize: 200 });
const model = await rt.createModel(spec, { seed: 1 });
let state = model.beginState(1);
for (let i = 0; i < 30; i++) {
  const o = await model.forward({ ids: Int32Array.of(3), steps: 1, batch: 1 }, state);
  disposeState(state);
  state = o.state;
  o.logits.dataSync();
  o.logits.dispose();
}
const times = {};
for (let rep = 0; rep < 20; rep++) {
  const info = await tf.profile(async () => {
    const o = await model.forward({ ids: Int32Array.of(3), steps: 1, batch: 1 }, state);
    disposeState(state);
    state = o.state;
    o.logits.dataSync();
    o.logits.dispose();
  });
  for (const k of info.kernels) {
    const t = await k.kernelTimeMs;
    times[k.name] = (times[k.name] ?? 0) + (typeof t === "number" ? t : 0);
  }
}
console.log(
  Object.entries(times)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${((v / 20) * 1000).toFixed(0)}µs`)
    .join("\n"),
);
