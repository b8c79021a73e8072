import {
  type BackendRuntime,
  CheckpointError,
  disposeState,
  parseModelSpec,
  parseTrainingOptions,
  registerBackend,
  resolveBackend,
  ShapeError,
  type TimeMajorBatch,
  type TrainableModel,
  trainLoop,
} from "@rnnlm/core";
import { loadTimeMachine, SequentialBatches } from "@rnnlm/data";
import { beforeAll, describe, expect, it } from "vitest";
import { onnxBackend } from "../src/index.js";
import type { OnnxTrainableModel } from "../src/train/onnx-trainable-model.js";
import { randomIds } from "./model-cases.js";

const spec = parseModelSpec({ cell: "lstm", vocabSize: 9, hiddenSize: 6, numLayers: 2, embeddingSize: 4 });
const adam = parseTrainingOptions({ optimizer: { type: "adam", lr: 0.01 }, clip: 1, seed: 4 });

function batchOf(steps: number, batch: number, seed: number): TimeMajorBatch {
  return {
    x: randomIds(steps * batch, spec.vocabSize, seed),
    y: randomIds(steps * batch, spec.vocabSize, seed + 1),
    steps,
    batch,
  };
}

async function trainable(
  runtime: BackendRuntime,
  options: Parameters<NonNullable<BackendRuntime["createTrainableModel"]>>[1],
) {
  const model = await runtime.createTrainableModel?.(spec, options);
  if (model === undefined) throw new Error(`${runtime.id} cannot train`);
  return model;
}

async function step(model: TrainableModel, batch: TimeMajorBatch) {
  const state = model.beginState(batch.batch);
  const result = await model.trainStep(batch, state);
  disposeState(state);
  disposeState(result.state);
  return result;
}

describe("OnnxTrainableModel on onnx:cpu", () => {
  let runtime: BackendRuntime;
  beforeAll(async () => {
    runtime = await onnxBackend.init("cpu", { threads: 1 });
  });

  it("resumes exactly from its weights, optimizer state and random state", async () => {
    const dropout = parseModelSpec({ ...spec, dropout: { input: 0.2, between: 0.3, output: 0.1 } });
    const a = await runtime.createTrainableModel?.(dropout, { training: adam, seed: 1 });
    if (a === undefined) throw new Error("cannot train");
    const batch = batchOf(5, 3, 10);
    for (let i = 0; i < 3; i++) await step(a, batch);
    const weights = await a.getWeights();
    const optimizer = await a.getOptimizerState();
    const random = a.getRandomState();
    expect(optimizer.step.data[0]).toBe(3);
    expect(Object.keys(optimizer).filter((k) => k.startsWith("exp_avg.")).length).toBe(Object.keys(weights).length);
    const next = await step(a, batch);

    const b = await runtime.createTrainableModel?.(dropout, { training: adam, weights });
    if (b === undefined) throw new Error("cannot train");
    await b.setOptimizerState(optimizer);
    b.setRandomState(random);
    const resumed = await step(b, batch);
    expect(resumed.loss).toBe(next.loss);
    expect(resumed.gradNorm).toBe(next.gradNorm);
    const wa = await a.getWeights();
    const wb = await b.getWeights();
    for (const name of Object.keys(wa)) expect(wb[name].data).toEqual(wa[name].data);
    a.dispose();
    b.dispose();
  });

  it("resumes RMSprop exactly from its square_avg buffers (a saved run continues the same)", async () => {
    const training = parseTrainingOptions({ optimizer: { type: "rmsprop", lr: 0.002, alpha: 0.95 }, clip: 5 });
    const a = await trainable(runtime, { training, seed: 3 });
    const batch = batchOf(5, 3, 20);
    for (let i = 0; i < 2; i++) await step(a, batch);
    const weights = await a.getWeights();
    const optimizer = await a.getOptimizerState();
    expect(Object.keys(optimizer).every((k) => k.startsWith("square_avg."))).toBe(true);
    expect(Object.keys(optimizer).length).toBe(Object.keys(weights).length);
    const next = await step(a, batch);
    const b = await trainable(runtime, { training, weights });
    await b.setOptimizerState(optimizer);
    const resumed = await step(b, batch);
    expect(resumed.loss).toBe(next.loss);
    const wa = await a.getWeights();
    const wb = await b.getWeights();
    for (const name of Object.keys(wa)) expect(wb[name].data).toEqual(wa[name].data);
    await expect(b.setOptimizerState({})).rejects.toThrow(/missing optimizer buffer "square_avg\..*" for RMSprop/);
    a.dispose();
    b.dispose();
  });

  it("evaluates an announced pass with the weights as constants: the same losses, ended by any weight change", async () => {
    const frozen = (await trainable(runtime, { training: adam, seed: 6 })) as OnnxTrainableModel;
    const plain = await trainable(runtime, { training: adam, weights: await frozen.getWeights() });
    const windows = Array.from({ length: 40 }, (_, i) => batchOf(5, 3, 100 + i));
    const last = batchOf(2, 3, 99);
    const lossesOf = async (model: TrainableModel, announce: boolean) => {
      if (announce) model.expectEvaluations?.(windows.length + 1);
      const out: number[] = [];
      const used: boolean[] = [];
      let state = model.beginState(3);
      for (const w of [...windows, last]) {
        const r = await model.evaluate(w, state);
        out.push(r.loss);
        used.push((model as OnnxTrainableModel).lastEvaluationFrozen);
        disposeState(state);
        state = r.state;
      }
      disposeState(state);
      return { out, used };
    };
    const a = await lossesOf(frozen, true);
    const b = await lossesOf(plain, false);
    // Every full window of the pass ran frozen; the single shorter last one did not.
    expect(a.used).toEqual([...windows.map(() => true), false]);
    a.out.forEach((loss, i) => {
      expect(Math.abs(loss - b.out[i])).toBeLessThanOrEqual(1e-6 * Math.abs(b.out[i]));
    });
    // A step changes the weights: the pass ends and the next evaluation sees the new ones.
    const stepBatch = batchOf(5, 3, 7);
    await step(frozen, stepBatch);
    await step(plain, stepBatch);
    const after = await lossesOf(frozen, false);
    expect(after.used.every((u) => !u)).toBe(true);
    const again = await lossesOf(plain, false);
    expect(after.out).toEqual(again.out);
    // So does setWeights, in the middle of an announced pass.
    frozen.expectEvaluations(100);
    const w0 = windows[0];
    await frozen.evaluate(w0, frozen.beginState(3));
    expect(frozen.lastEvaluationFrozen).toBe(true);
    const other = await trainable(runtime, { training: adam, seed: 99 });
    await frozen.setWeights(await other.getWeights());
    const fresh = await frozen.evaluate(w0, frozen.beginState(3));
    expect(frozen.lastEvaluationFrozen).toBe(false);
    expect(fresh.loss).toBe((await other.evaluate(w0, other.beginState(3))).loss);
    // A pass too short to pay for a session runs plain.
    frozen.expectEvaluations(3);
    await frozen.evaluate(w0, frozen.beginState(3));
    expect(frozen.lastEvaluationFrozen).toBe(false);
    for (const m of [frozen, plain, other]) m.dispose();
  });

  it("carries the state across windows of different lengths (word-level last window)", async () => {
    const model = await trainable(runtime, { training: adam, seed: 2 });
    const long = batchOf(6, 2, 20);
    const short = batchOf(2, 2, 30);
    // evaluate(long) then evaluate(short) from its state equals forward over both joined.
    const first = await model.evaluate(long, model.beginState(2));
    const second = await model.evaluate(short, first.state);
    const joined = await model.forward(
      { ids: Int32Array.from([...long.x, ...short.x]), steps: 8, batch: 2 },
      model.beginState(2),
    );
    const logits = joined.logits.dataSync();
    const V = spec.vocabSize;
    let total = 0;
    const targets = [...long.y, ...short.y];
    for (let r = 12; r < 16; r++) {
      const row = Array.from(logits.subarray(r * V, (r + 1) * V), Number);
      const max = Math.max(...row);
      const lse = max + Math.log(row.reduce((s, z) => s + Math.exp(z - max), 0));
      total += lse - row[targets[r]];
    }
    expect(second.loss).toBeCloseTo(total / 4, 5);
    const h = second.state.h.dataSync();
    joined.state.h.dataSync().forEach((v, i) => {
      expect(h[i]).toBeCloseTo(v, 6);
    });
    model.dispose();
  });

  it("rejects bad input with one clear error", async () => {
    const model = await trainable(runtime, { training: adam });
    const bad = { ...batchOf(2, 2, 1), y: Int32Array.of(0, 1, 2, 9) };
    await expect(model.trainStep(bad, model.beginState(2))).rejects.toThrow(ShapeError);
    await expect(model.trainStep(bad, model.beginState(2))).rejects.toThrow(
      /token id 9 .* outside the vocabulary \[0, 9\)/,
    );
    await expect(model.evaluate(batchOf(2, 2, 1), model.beginState(3))).rejects.toThrow(
      /state.h has shape \[2, 3, 6\]/,
    );
    await expect(model.setOptimizerState({})).rejects.toThrow(CheckpointError);
    expect(() => model.setLearningRate(0)).toThrow(/positive/);
    // beginState after dispose throws too (core's contract), so the state is made before.
    const state = model.beginState(2);
    model.dispose();
    await expect(model.evaluate(batchOf(2, 2, 1), state)).rejects.toThrow(/disposed/);
  });

  it('resolves "onnx" to onnx:cpu for training (the highest train priority)', async () => {
    registerBackend(onnxBackend);
    const picked = await resolveBackend("onnx", { capability: "train", threads: 1 });
    expect(picked.id).toBe("onnx:cpu");
    expect(picked.capabilities).toContain("train");
  });

  it("trains a tiny character model: perplexity falls far below the vocabulary size", async () => {
    const corpus = await loadTimeMachine({ maxTokens: 3000 });
    const V = corpus.codec.vocab.size;
    const char = parseModelSpec({ cell: "gru", vocabSize: V, hiddenSize: 64, init: "pytorch" });
    const model = await runtime.createTrainableModel?.(char, {
      seed: 0,
      training: parseTrainingOptions({ optimizer: { type: "adam", lr: 0.01 }, clip: 1 }),
    });
    if (model === undefined) throw new Error("cannot train");
    const train = new SequentialBatches(corpus.train, { batchSize: 16, numSteps: 20, seed: 0 });
    const result = await trainLoop({ model, train, epochs: 12 });
    const first = result.history[0].trainPerplexity;
    const last = result.history[result.history.length - 1].trainPerplexity;
    console.info(`tiny char GRU (V ${V}): training perplexity ${first.toFixed(2)} → ${last.toFixed(2)}`);
    expect(first).toBeGreaterThan(10);
    expect(last).toBeLessThan(V / 3);
    model.dispose();
  });
});

describe("OnnxTrainableModel on onnx:wasm", () => {
  it("evaluates an announced pass with the weights as constants (ONNX Runtime Web's externalData)", async () => {
    const runtime = await onnxBackend.init("wasm", { threads: 1 });
    const frozen = (await trainable(runtime, { training: adam, seed: 8 })) as OnnxTrainableModel;
    const plain = await trainable(runtime, { training: adam, weights: await frozen.getWeights() });
    frozen.expectEvaluations(40);
    for (let i = 0; i < 3; i++) {
      const w = batchOf(4, 2, 300 + i);
      const a = await frozen.evaluate(w, frozen.beginState(2));
      expect(frozen.lastEvaluationFrozen).toBe(true);
      const b = await plain.evaluate(w, plain.beginState(2));
      expect(Math.abs(a.loss - b.loss)).toBeLessThanOrEqual(1e-6 * b.loss);
    }
    frozen.dispose();
    plain.dispose();
  });
});
