// Training throughput of the fused tfjs backend against an equivalent tf.layers model, measured
// in the same run on every device that loads: the d2l configurations (B 32, T 35, H 256, V 28
// one-hot; SGD lr 1, global-norm clip 1). Same work on both sides: forward, backward, clipping,
// SGD update. Prints a table and writes bench/results/train-throughput.json.
//   node bench/train-throughput.mjs [devices=cuda,cpu-native,wasm,cpu] [cells=lstm,gru,rnn_tanh]
//   (env BENCH_SECONDS, default 20 per measurement)
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { disposeState, parseModelSpec, parseTrainingOptions, SeededRandom } from "@rnnlm/core";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { tfjsBackend } from "../dist/index.js";

const B = 32;
const T = 35;
const H = 256;
const V = 28;
const budgetMs = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
const devices = (process.argv[2] ?? "cuda,cpu-native,wasm,cpu").split(",");
const cells = (process.argv[3] ?? "lstm,gru,rnn_tanh").split(",");

const rng = new SeededRandom(0);
const batch = { x: new Int32Array(T * B), y: new Int32Array(T * B), steps: T, batch: B };
for (let i = 0; i < T * B; i++) {
  batch.x[i] = rng.int(0, V - 1);
  batch.y[i] = rng.int(0, V - 1);
}

/** Runs `step` once to warm up, then until `budgetMs` or 10 steps; returns tokens/s. */
async function measure(step) {
  await step();
  let n = 0;
  const t0 = performance.now();
  while (n < 10 && (n === 0 || performance.now() - t0 < budgetMs)) {
    await step();
    n += 1;
  }
  return (n * T * B * 1000) / (performance.now() - t0);
}

async function fused(runtime, cell) {
  const spec = parseModelSpec({ cell, vocabSize: V, hiddenSize: H, init: "d2l" });
  const training = parseTrainingOptions({ optimizer: { type: "sgd", lr: 1 }, clip: 1 });
  const model = await runtime.createTrainableModel(spec, { training });
  const state = model.beginState(B);
  const tps = await measure(async () => disposeState((await model.trainStep(batch, state)).state));
  disposeState(state);
  model.dispose();
  return tps;
}

async function layers(cell) {
  const rnn = { lstm: tfl.layers.lstm, gru: tfl.layers.gru, rnn_tanh: tfl.layers.simpleRNN }[cell];
  const model = tfl.sequential({
    layers: [
      rnn({ units: H, returnSequences: true, inputShape: [T, V], recurrentInitializer: "glorotUniform" }),
      tfl.layers.dense({ units: V }),
    ],
  });
  const optimizer = tf.train.sgd(1);
  // Batch-major one-hot input (B, T, V) and targets, as a tf.layers user would feed them.
  const xb = new Float32Array(B * T * V);
  const yb = new Float32Array(B * T * V);
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      xb[(b * T + t) * V + batch.x[t * B + b]] = 1;
      yb[(b * T + t) * V + batch.y[t * B + b]] = 1;
    }
  }
  const x = tf.tensor3d(xb, [B, T, V]);
  const y = tf.tensor3d(yb, [B, T, V]);
  const tps = await measure(async () => {
    const lossValue = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x)));
      const norm = tf.sqrt(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
      const scale = tf.minimum(1, tf.div(1, norm));
      const clipped = {};
      for (const [k, g] of Object.entries(grads)) clipped[k] = tf.mul(g, scale);
      optimizer.applyGradients(clipped);
      return value;
    });
    await lossValue.data();
    lossValue.dispose();
  });
  x.dispose();
  y.dispose();
  optimizer.dispose();
  model.dispose();
  return tps;
}

const rows = [];
for (const device of devices) {
  let runtime;
  try {
    runtime = await tfjsBackend.init(device);
  } catch (error) {
    console.log(`tfjs:${device}: skipped (${error.message.split("\n")[0]})`);
    continue;
  }
  console.log(`tfjs:${device}: ${runtime.description}`);
  for (const cell of cells) {
    const fusedTps = await fused(runtime, cell);
    tf.setBackend(runtime.device === "cuda" || runtime.device === "cpu-native" ? "tensorflow" : runtime.device);
    const layersTps = await layers(cell);
    const row = {
      device,
      cell,
      fusedTokensPerSecond: fusedTps,
      layersTokensPerSecond: layersTps,
      ratio: fusedTps / layersTps,
    };
    rows.push(row);
    console.log(
      `  ${cell}: fused ${fusedTps.toFixed(0)} tok/s, tf.layers ${layersTps.toFixed(0)} tok/s, ×${row.ratio.toFixed(1)}`,
    );
  }
}

console.log("\n| device | cell | fused tok/s | tf.layers tok/s | ratio |\n|---|---|---:|---:|---:|");
for (const r of rows) {
  console.log(
    `| ${r.device} | ${r.cell} | ${r.fusedTokensPerSecond.toFixed(0)} | ${r.layersTokensPerSecond.toFixed(0)} | ${r.ratio.toFixed(1)}× |`,
  );
}
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
const out = {
  date: new Date().toISOString(),
  config: { batch: B, steps: T, hidden: H, vocab: V, optimizer: "sgd lr 1", clip: 1, budgetSeconds: budgetMs / 1000 },
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, loadavg: os.loadavg(), node: process.version },
  tfjs: tf.version_core,
  rows,
};
writeFileSync(new URL("./results/train-throughput.json", import.meta.url), `${JSON.stringify(out, null, 2)}\n`);
