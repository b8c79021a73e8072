#!/usr/bin/env node
// Trains the small pre-trained Time Machine model the demo ships with, through the public
// packages (reference backend + core's trainLoop + data's Time Machine), and exports it with
// @rnnlm/backend-onnx. Usage (from apps/web, after building the packages):
//   node scripts/make-model.mjs [--out public/models/time-machine-gru.onnx] [--epochs 60]
//     [--hidden 96] [--cell gru] [--lr 0.01] [--seed 1]
// The default run (the shipped model: perplexity 2.12) takes about 6 minutes on one core; 155 KiB.
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { exportOnnx, writeOnnxFile } from "@rnnlm/backend-onnx";
import { referenceBackend } from "@rnnlm/backend-reference";
import { registerBackend, resolveBackend, TextGenerator, trainLoop } from "@rnnlm/core";
import { loadTimeMachine, RandomBatches } from "@rnnlm/data";

const { values } = parseArgs({
  options: {
    out: { type: "string", default: "public/models/time-machine-gru.onnx" },
    epochs: { type: "string", default: "60" },
    hidden: { type: "string", default: "96" },
    cell: { type: "string", default: "gru" },
    lr: { type: "string", default: "0.01" },
    seed: { type: "string", default: "1" },
  },
});
const epochs = Number(values.epochs);
const hiddenSize = Number(values.hidden);
const seed = Number(values.seed);

registerBackend(referenceBackend);
const runtime = await resolveBackend("reference", { capability: "train" });
const corpus = await loadTimeMachine();
const spec = { cell: values.cell, vocabSize: corpus.codec.size, hiddenSize, init: "pytorch" };
const model = await runtime.createTrainableModel(spec, {
  seed,
  training: { optimizer: { type: "adam", lr: Number(values.lr) }, clip: 1, seed },
});
const train = new RandomBatches(corpus.train, { batchSize: 32, numSteps: 35, seed });
const started = Date.now();
const result = await trainLoop({
  model,
  train,
  epochs,
  onEvent: (event) => {
    if (event.type === "epoch" && (event.record.epoch % 10 === 0 || event.record.epoch === epochs)) {
      console.log(`epoch ${event.record.epoch}: perplexity ${event.record.trainPerplexity.toFixed(3)}`);
    }
  },
});
const finalPerplexity = result.history.at(-1)?.trainPerplexity ?? Number.NaN;
const sample = await new TextGenerator(model, corpus.codec).generate("time traveller", 80);
console.log(`trained in ${((Date.now() - started) / 1000).toFixed(0)} s; greedy sample: ${sample}`);

const bytes = exportOnnx(model.spec, await model.getWeights(), {
  codec: corpus.codec.toJSON(),
  metadata: {
    "rnnlm-web.corpus": "The Time Machine (H. G. Wells), first 10,000 characters, d2l cleaning",
    "rnnlm-web.training": `reference backend, ${epochs} epochs, Adam lr ${values.lr}, clip 1, batch 32 x 35, random sampling, seed ${seed}`,
    "rnnlm-web.train_perplexity": finalPerplexity.toFixed(4),
  },
});
const out = resolve(values.out);
await mkdir(dirname(out), { recursive: true });
await writeOnnxFile(out, bytes);
console.log(`wrote ${out} (${bytes.length} bytes)`);
