// The d2l reproduction (SPEC §1) on onnx:cpu: "The Time Machine", first 10,000 characters,
// B 32, T 35, sequential partitioning (d2l's train_ch8 default: state carried and detached),
// plain SGD with global-norm clipping at 1, 500 epochs, for the five published models:
//   rnn-scratch  RNN, H 512, d2l init (N(0, 0.01²), zero biases), lr 1
//   rnn          RNN, H 256, PyTorch default init, lr 1
//   gru          GRU, H 256, lr 1
//   lstm         LSTM, H 256, lr 1
//   lstm-2       2-layer LSTM, H 256, lr 2
// Goal: final training perplexity ≤ 1.3 on every model. Prints progress, the greedy continuation
// of "time traveller", and writes bench/results/d2l-reproduction.json.
//   node bench/d2l-reproduction.mjs [--epochs 500] [--models rnn-scratch,rnn,gru,lstm,lstm-2]
//                                   [--threads N (default: all cores)] [--every 50] [--seed 0]
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { parseModelSpec, parseTrainingOptions, TextGenerator, trainLoop } from "@rnnlm/core";
import { loadTimeMachine, SequentialBatches } from "@rnnlm/data";
import { onnxBackend } from "../dist/index.js";

const MODELS = {
  "rnn-scratch": { cell: "rnn_tanh", hiddenSize: 512, numLayers: 1, init: "d2l", lr: 1 },
  rnn: { cell: "rnn_tanh", hiddenSize: 256, numLayers: 1, init: "pytorch", lr: 1 },
  gru: { cell: "gru", hiddenSize: 256, numLayers: 1, init: "pytorch", lr: 1 },
  lstm: { cell: "lstm", hiddenSize: 256, numLayers: 1, init: "pytorch", lr: 1 },
  "lstm-2": { cell: "lstm", hiddenSize: 256, numLayers: 2, init: "pytorch", lr: 2 },
};

const { values } = parseArgs({
  options: {
    epochs: { type: "string", default: "500" },
    models: { type: "string", default: Object.keys(MODELS).join(",") },
    threads: { type: "string" },
    every: { type: "string", default: "50" },
    seed: { type: "string", default: "0" },
  },
});
const epochs = Number(values.epochs);
const every = Number(values.every);
const seed = Number(values.seed);
const names = values.models.split(",").map((m) => m.trim());
for (const name of names) {
  if (!(name in MODELS)) throw new Error(`unknown model "${name}"; choose from ${Object.keys(MODELS).join(", ")}`);
}
const threads = values.threads === undefined ? undefined : Number(values.threads);
const runtime = await onnxBackend.init("cpu", threads === undefined ? {} : { threads });
const corpus = await loadTimeMachine();
const V = corpus.codec.size;
console.log(
  `d2l reproduction on ${runtime.description}: ${corpus.train.length} tokens, vocabulary ${V}, ` +
    `${epochs} epochs, B 32, T 35, sequential partitioning, SGD, clip 1 (load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")})`,
);

const results = {
  bench: "d2l-reproduction",
  date: new Date().toISOString(),
  runtime: runtime.description,
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length },
  node: process.version,
  epochs,
  loadAverageStart: os.loadavg(),
  models: [],
};
for (const name of names) {
  const m = MODELS[name];
  const spec = parseModelSpec({
    cell: m.cell,
    vocabSize: V,
    hiddenSize: m.hiddenSize,
    numLayers: m.numLayers,
    init: m.init,
  });
  const training = parseTrainingOptions({ optimizer: { type: "sgd", lr: m.lr }, clip: 1, seed });
  const model = await runtime.createTrainableModel(spec, { training, seed });
  const train = new SequentialBatches(corpus.train, { batchSize: 32, numSteps: 35, seed });
  const started = performance.now();
  const result = await trainLoop({
    model,
    train,
    epochs,
    onEvent: (event) => {
      if (event.type !== "epoch") return;
      const r = event.record;
      if (r.epoch === 1 || r.epoch % every === 0 || r.epoch === epochs) {
        console.log(
          `  ${name} epoch ${r.epoch}: perplexity ${r.trainPerplexity.toFixed(3)}, ${Math.round(r.tokensPerSecond).toLocaleString("en")} tokens/s`,
        );
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const generator = new TextGenerator(model, corpus.codec, { onWarning: () => undefined });
  const sample = await generator.generate("time traveller", 50);
  generator.dispose();
  const last = result.history[result.history.length - 1];
  const tokensPerSecond =
    result.history.reduce((s, r) => s + r.tokensPerSecond * r.seconds, 0) /
    result.history.reduce((s, r) => s + r.seconds, 0);
  const record = {
    model: name,
    ...m,
    finalPerplexity: Number(last.trainPerplexity.toFixed(4)),
    passes: last.trainPerplexity <= 1.3,
    seconds: Math.round(seconds),
    tokensPerSecond: Math.round(tokensPerSecond),
    sample,
    perplexityEvery: result.history
      .filter((r) => r.epoch % every === 0 || r.epoch === 1)
      .map((r) => Number(r.trainPerplexity.toFixed(3))),
  };
  results.models.push(record);
  console.log(
    `${name}: final perplexity ${record.finalPerplexity} (${record.passes ? "≤" : ">"} 1.3) in ${record.seconds} s, ` +
      `${record.tokensPerSecond.toLocaleString("en")} tokens/s; "${sample}"`,
  );
  model.dispose();
}
results.loadAverageEnd = os.loadavg();
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/d2l-reproduction.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log("wrote bench/results/d2l-reproduction.json");
if (results.models.some((r) => !r.passes)) process.exitCode = 1;
