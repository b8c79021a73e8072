// Training throughput of onnx:cpu (the whole step as one ONNX graph on ONNX Runtime's CPU kernels)
// against tfjs:wasm (@rnnlm/backend-tfjs, fused cells) and PyTorch (bench/train_torch.py, when a
// Python with torch is present), measured in the same run, in alternating rounds, at equal
// threads. Same work everywhere: forward, mean cross-entropy, backward, global-norm clipping, SGD.
//   - d2l (SPEC §1): one-hot V 28, 1 layer H 256, B 32, T 35, lr 1, clip 1 — RNN, GRU, LSTM;
//   - Zaremba small (SPEC §2): embedding V 10,000, 2 × LSTM 200, B 20, T 20, lr 1, clip 5.
// Also: what moving the weights in and out of ONNX Runtime costs per step, session creation
// times, and the resident set size across epochs (should be flat).
// Prints tables and writes bench/results/train.json.
//   node bench/train.mjs   (env: BENCH_SECONDS per measurement, default 4; BENCH_ROUNDS, default 3;
//                           RNNLM_PYTHON, default /usr/bin/python3; BENCH_SKIP=tfjs,torch,zaremba,rss)
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { tfjsBackend } from "@rnnlm/backend-tfjs";
import { disposeState, parseModelSpec, parseTrainingOptions, SeededRandom } from "@rnnlm/core";
import * as ort from "onnxruntime-node";
import { onnxBackend } from "../dist/index.js";
import { FLOAT, GraphBuilder } from "../dist/train/graph-builder.js";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PYTHON = process.env.RNNLM_PYTHON ?? "/usr/bin/python3";
const SKIP = new Set((process.env.BENCH_SKIP ?? "").split(",").filter(Boolean));
const TORCH_SCRIPT = new URL("./train_torch.py", import.meta.url).pathname;

const D2L = { name: "d2l", B: 32, T: 35, H: 256, V: 28, layers: 1, embedding: null, clip: 1, init: "d2l" };
const ZAREMBA = {
  name: "zaremba",
  B: 20,
  T: 20,
  H: 200,
  V: 10_000,
  layers: 2,
  embedding: 200,
  clip: 5,
  init: "word-lm",
};
const D2L_CELLS = ["rnn_tanh", "gru", "lstm"];

const load = () => os.loadavg().map((v) => Number(v.toFixed(2)));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => Number((bytes / 2 ** 20).toFixed(1));

function batchOf(cfg, seed) {
  const rng = new SeededRandom(seed);
  const n = cfg.T * cfg.B;
  const batch = { x: new Int32Array(n), y: new Int32Array(n), steps: cfg.T, batch: cfg.B };
  for (let i = 0; i < n; i++) {
    batch.x[i] = rng.int(0, cfg.V - 1);
    batch.y[i] = rng.int(0, cfg.V - 1);
  }
  return batch;
}

function specOf(cfg, cell) {
  return parseModelSpec({
    cell,
    vocabSize: cfg.V,
    hiddenSize: cfg.H,
    numLayers: cfg.layers,
    embeddingSize: cfg.embedding,
    init: cfg.init,
  });
}

function torchVersion() {
  if (SKIP.has("torch")) return null;
  const r = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** A model of one runtime kept warm across rounds; `measure()` gives per-step milliseconds. */
async function modelRunner(runtime, cfg, cell) {
  const training = parseTrainingOptions({ optimizer: { type: "sgd", lr: 1 }, clip: cfg.clip });
  const model = await runtime.createTrainableModel(specOf(cfg, cell), { training, seed: 0 });
  const batch = batchOf(cfg, 1);
  const started = performance.now();
  const step = async () => {
    const state = model.beginState(cfg.B);
    const result = await model.trainStep(batch, state);
    disposeState(state);
    disposeState(result.state);
  };
  await step(); // opens the session (onnx) / compiles kernels (tfjs)
  const firstStepMs = performance.now() - started;
  for (let i = 0; i < 2; i++) await step();
  return {
    model,
    firstStepMs,
    async measure() {
      const ms = [];
      const t0 = performance.now();
      while (ms.length < 5 || (performance.now() - t0 < SECONDS * 1000 && ms.length < 400)) {
        const a = performance.now();
        await step();
        ms.push(performance.now() - a);
      }
      return ms;
    },
  };
}

function torchRunner(cfg, cell, threads) {
  return {
    async measure() {
      // Passive OpenMP waiting: the default spinning starves OpenBLAS's threads on 2 cores, which is
      // what made PyTorch's 2-thread figures collapse (see apps/cli's whole-process bench).
      const r = spawnSync(PYTHON, [TORCH_SCRIPT, cfg.name, cell, String(threads), String(SECONDS)], {
        encoding: "utf8",
        env: { ...process.env, OMP_WAIT_POLICY: "PASSIVE" },
      });
      if (r.status !== 0) throw new Error(`train_torch.py failed: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split("\n").pop()).ms;
    },
  };
}

/** Milliseconds to pass `model`'s parameters and optimizer buffers through ORT and back (an Identity graph). */
async function copyCost(tensors, threads) {
  const g = new GraphBuilder();
  const feeds = {};
  let bytes = 0;
  for (const [name, t] of Object.entries(tensors)) {
    g.input(name, FLOAT, t.shape);
    g.output(`new.${name}`, g.op1("Identity", [name], "copy"), FLOAT, t.shape);
    feeds[name] = new ort.Tensor("float32", new Float32Array(t.data), t.shape);
    bytes += t.data.length * 4;
  }
  const session = await ort.InferenceSession.create(g.encode("copy"), {
    intraOpNumThreads: threads,
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  });
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const ms = [];
  for (let i = 0; i < 30; i++) {
    const a = performance.now();
    await session.run(feeds);
    ms.push(performance.now() - a);
  }
  await session.release();
  return { bytes, medianMs: median(ms), minMs: Math.min(...ms) };
}

const results = {
  bench: "train",
  date: new Date().toISOString(),
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, memoryGiB: mb(os.totalmem()) / 1024 },
  node: process.version,
  onnxruntime: ort.env.versions?.node ?? "?",
  torch: torchVersion(),
  seconds: SECONDS,
  rounds: ROUNDS,
  loadAverage: { start: load() },
  note: "median step time over each measurement; tokens/s per round, then the median over rounds",
  throughput: [],
  ratios: [],
  copies: [],
  sessions: [],
  rss: {},
};
console.log(
  `train bench: ${results.machine.cpu} × ${results.machine.cores}, node ${process.version}, onnxruntime-node ${results.onnxruntime}, ` +
    `torch ${results.torch ?? "absent"}; ${ROUNDS} rounds × ${SECONDS} s; load ${results.loadAverage.start.join(" ")}`,
);

const onnx1 = await onnxBackend.init("cpu", { threads: 1 });
const onnx2 = await onnxBackend.init("cpu", { threads: 2 });
const tfjs = SKIP.has("tfjs") ? null : await tfjsBackend.init("wasm");

/** Every runner of one configuration: label → runner, built once and measured in every round. */
async function runnersFor(cfg, cell) {
  const runners = [
    ["onnx:cpu", 1, await modelRunner(onnx1, cfg, cell)],
    ["onnx:cpu", 2, await modelRunner(onnx2, cfg, cell)],
  ];
  if (tfjs !== null && cfg === D2L) runners.push(["tfjs:wasm", 1, await modelRunner(tfjs, cfg, cell)]);
  if (results.torch !== null) {
    runners.push(["pytorch", 1, torchRunner(cfg, cell, 1)]);
    runners.push(["pytorch", 2, torchRunner(cfg, cell, 2)]);
  }
  return runners;
}

const jobs = D2L_CELLS.map((cell) => [D2L, cell]);
if (!SKIP.has("zaremba")) jobs.push([ZAREMBA, "lstm"]);
for (const [cfg, cell] of jobs) {
  const runners = await runnersFor(cfg, cell);
  for (const [backend, threads, runner] of runners) {
    if (runner.model !== undefined && backend === "onnx:cpu") {
      results.sessions.push({ config: cfg.name, cell, threads, firstStepMs: Math.round(runner.firstStepMs) });
    }
  }
  const perRound = runners.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order every round so slow drifts in the machine's load hit everyone alike.
    const order = runners.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const ms = await runners[i][2].measure();
      perRound[i].push((cfg.T * cfg.B * 1000) / median(ms));
    }
  }
  const row = { config: cfg.name, cell, load: load() };
  runners.forEach(([backend, threads], i) => {
    const tokensPerSecond = Math.round(median(perRound[i]));
    results.throughput.push({
      config: cfg.name,
      cell,
      backend,
      threads,
      tokensPerSecond,
      rounds: perRound[i].map(Math.round),
    });
    row[`${backend}@${threads}`] = tokensPerSecond;
  });
  const tps = (backend, threads) => row[`${backend}@${threads}`];
  for (const threads of [1, 2]) {
    for (const other of ["pytorch", "tfjs:wasm"]) {
      const theirs = tps(other, other === "tfjs:wasm" ? 1 : threads);
      if (theirs === undefined) continue;
      if (other === "tfjs:wasm" && threads === 2) continue;
      const ratio = Number((tps("onnx:cpu", threads) / theirs).toFixed(2));
      results.ratios.push({ config: cfg.name, cell, threads, versus: other, ratio });
    }
  }
  const line = runners.map(([b, t]) => `${b}@${t} ${tps(b, t).toLocaleString("en")}`).join(", ");
  console.log(`${cfg.name} ${cell}: ${line} tokens/s (load ${row.load.join(" ")})`);
  for (const r of results.ratios.filter((x) => x.config === cfg.name && x.cell === cell)) {
    console.log(`  onnx:cpu / ${r.versus} at ${r.threads} thread(s): ${r.ratio}×`);
  }

  // What moving weights and optimizer state through ORT costs, against the whole step. Measured
  // with every other session released (their idle ORT threads would otherwise compete).
  const onnxModel = runners[0][2].model;
  const t = onnxModel.lastStepTiming;
  const tensors = { ...(await onnxModel.getWeights()), ...(await onnxModel.getOptimizerState()) };
  if (onnxModel.spec.tied) delete tensors["decoder.weight"];
  for (const [, , runner] of runners) runner.model?.dispose();
  const copy = await copyCost(tensors, 1);
  const stepMs = (cfg.T * cfg.B * 1000) / tps("onnx:cpu", 1);
  results.copies.push({
    config: cfg.name,
    cell,
    weightBytes: copy.bytes,
    copyMinMs: Number(copy.minMs.toFixed(2)),
    copyMedianMs: Number(copy.medianMs.toFixed(2)),
    stepMs: Number(stepMs.toFixed(2)),
    share: Number((copy.minMs / stepMs).toFixed(3)),
    feedMs: Number(t.feedMs.toFixed(2)),
    collectMs: Number(t.collectMs.toFixed(2)),
  });
  console.log(
    `  copies: ${mb(copy.bytes)} MB of weights + optimizer state through ORT and back: ${copy.minMs.toFixed(2)} ms ` +
      `(min; median ${copy.medianMs.toFixed(2)} under load) = ${((100 * copy.minMs) / stepMs).toFixed(1)}% of a ${stepMs.toFixed(1)} ms step; ` +
      `building feeds ${t.feedMs.toFixed(2)} ms, taking outputs ${t.collectMs.toFixed(2)} ms`,
  );
}

// Resident set size across epochs of real training (state carried, as SequentialBatches would).
if (!SKIP.has("rss")) {
  for (const [cfg, steps, epochs] of [[D2L, 40, 8], ...(SKIP.has("zaremba") ? [] : [[ZAREMBA, 10, 6]])]) {
    const training = parseTrainingOptions({ optimizer: { type: "sgd", lr: 1 }, clip: cfg.clip });
    const model = await onnx2.createTrainableModel(specOf(cfg, "lstm"), { training, seed: 0 });
    const samples = [];
    for (let e = 0; e < epochs; e++) {
      let state = model.beginState(cfg.B);
      for (let s = 0; s < steps; s++) {
        const result = await model.trainStep(batchOf(cfg, e * steps + s), state);
        disposeState(state);
        state = result.state;
      }
      disposeState(state);
      samples.push(mb(process.memoryUsage().rss));
    }
    model.dispose();
    const growth = Number((samples[samples.length - 1] - samples[1]).toFixed(1));
    results.rss[cfg.name] = { stepsPerEpoch: steps, rssMiB: samples, growthAfterFirstEpochMiB: growth };
    console.log(
      `RSS ${cfg.name} lstm, ${steps} steps/epoch: ${samples.join(", ")} MiB (after epoch 1: ${growth >= 0 ? "+" : ""}${growth} MiB)`,
    );
  }
}

results.loadAverage.end = load();
console.log(`load average at the end: ${results.loadAverage.end.join(" ")}`);
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(new URL("./results/train.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log("wrote bench/results/train.json");
