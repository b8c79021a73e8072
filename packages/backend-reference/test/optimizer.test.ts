import {
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  SeededRandom,
  type TimeMajorBatch,
  type TrainingOptionsInput,
  type Weights,
} from "@rnnlm/core";
import { initWeights, parameterNames } from "@rnnlm/core/backend";
import { describe, expect, it } from "vitest";
import { ReferenceTrainableModel } from "../src/index.js";

// Each update is recomputed here from gradients() (checked against finite differences
// elsewhere) with the textbook formulas, and compared with what trainStep did.

const spec: ModelSpec = parseModelSpec({ cell: "gru", vocabSize: 5, hiddenSize: 3, embeddingSize: 3, tied: true });
const batch: TimeMajorBatch = {
  x: Int32Array.from([0, 1, 2, 3, 4, 0]),
  y: Int32Array.from([1, 2, 3, 4, 0, 1]),
  steps: 3,
  batch: 2,
};

function model(training: TrainingOptionsInput): ReferenceTrainableModel {
  return new ReferenceTrainableModel(spec, initWeights(spec, new SeededRandom(7)), parseTrainingOptions(training));
}

async function grads(m: ReferenceTrainableModel): Promise<Record<string, Float64Array>> {
  const { grads } = await m.gradients(batch, m.beginState(batch.batch));
  return Object.fromEntries(Object.entries(grads).map(([k, v]) => [k, Float64Array.from(v.data)]));
}

async function weights(m: ReferenceTrainableModel): Promise<Record<string, Float64Array>> {
  const w: Weights = await m.getWeights();
  return Object.fromEntries(parameterNames(spec).map((k) => [k, Float64Array.from(w[k].data)]));
}

function norm(g: Record<string, Float64Array>): number {
  let s = 0;
  for (const name of parameterNames(spec)) for (const v of g[name]) s += v * v;
  return Math.sqrt(s);
}

function expectAllClose(actual: Record<string, Float64Array>, expected: Record<string, Float64Array>): void {
  for (const name of parameterNames(spec)) {
    for (let i = 0; i < expected[name].length; i++) {
      expect(Math.abs(actual[name][i] - expected[name][i])).toBeLessThanOrEqual(
        1e-12 * Math.max(1, Math.abs(expected[name][i])),
      );
    }
  }
}

describe("trainStep: clipping and optimizers against hand-computed updates", () => {
  it("SGD with active clipping: w − lr·g·clip/(‖g‖ + 1e-6); gradNorm = ‖g‖ over distinct parameters", async () => {
    const m = model({ optimizer: { type: "sgd", lr: 0.5 }, clip: 0.05 });
    const g = await grads(m);
    const w0 = await weights(m);
    const { gradNorm } = await m.trainStep(batch, m.beginState(batch.batch));
    const n = norm(g);
    expect(gradNorm).toBeCloseTo(n, 14);
    expect(n).toBeGreaterThan(0.05);
    const scale = 0.05 / (n + 1e-6);
    const expected = Object.fromEntries(
      parameterNames(spec).map((k) => [k, w0[k].map((w, i) => w - 0.5 * g[k][i] * scale)]),
    );
    expectAllClose(await weights(m), expected);
    // Tied: the decoder key follows the encoder.
    const all = await m.getWeights();
    expect([...all["decoder.weight"].data]).toEqual([...all["encoder.weight"].data]);
  });

  it("SGD with an inactive clip leaves the gradient whole", async () => {
    const m = model({ optimizer: { type: "sgd", lr: 0.1 }, clip: 1e6 });
    const g = await grads(m);
    const w0 = await weights(m);
    await m.trainStep(batch, m.beginState(batch.batch));
    const scale = Math.min(1, 1e6 / (norm(g) + 1e-6));
    expect(scale).toBe(1);
    expectAllClose(
      await weights(m),
      Object.fromEntries(parameterNames(spec).map((k) => [k, w0[k].map((w, i) => w - 0.1 * g[k][i])])),
    );
  });

  it("SGD with momentum and weight decay over two steps (PyTorch: buf = m·buf + g + wd·w)", async () => {
    const [lr, mu, wd] = [0.3, 0.9, 0.01];
    const m = model({ optimizer: { type: "sgd", lr, momentum: mu, weightDecay: wd }, clip: null });
    const w0 = await weights(m);
    const g1 = await grads(m);
    await m.trainStep(batch, m.beginState(batch.batch));
    const buf1: Record<string, Float64Array> = {};
    const w1: Record<string, Float64Array> = {};
    for (const k of parameterNames(spec)) {
      buf1[k] = g1[k].map((g, i) => g + wd * w0[k][i]);
      w1[k] = w0[k].map((w, i) => w - lr * buf1[k][i]);
    }
    expectAllClose(await weights(m), w1);
    const g2 = await grads(m);
    await m.trainStep(batch, m.beginState(batch.batch));
    const w2: Record<string, Float64Array> = {};
    for (const k of parameterNames(spec)) {
      const buf2 = buf1[k].map((b, i) => mu * b + g2[k][i] + wd * w1[k][i]);
      w2[k] = w1[k].map((w, i) => w - lr * buf2[i]);
    }
    expectAllClose(await weights(m), w2);
    const state = await m.getOptimizerState();
    expect(Object.keys(state).sort()).toEqual(
      parameterNames(spec)
        .map((k) => `momentum.${k}`)
        .sort(),
    );
  });

  it("Adam with weight decay over two steps (bias-corrected m̂/(√v̂ + eps))", async () => {
    const [lr, b1, b2, eps, wd] = [0.01, 0.8, 0.95, 1e-8, 0.1];
    const m = model({ optimizer: { type: "adam", lr, beta1: b1, beta2: b2, eps, weightDecay: wd }, clip: 0.05 });
    let w = await weights(m);
    const mom: Record<string, Float64Array> = {};
    const vel: Record<string, Float64Array> = {};
    for (const k of parameterNames(spec)) {
      mom[k] = new Float64Array(w[k].length);
      vel[k] = new Float64Array(w[k].length);
    }
    for (let t = 1; t <= 2; t++) {
      const g = await grads(m);
      const scale = Math.min(1, 0.05 / (norm(g) + 1e-6));
      await m.trainStep(batch, m.beginState(batch.batch));
      const next: Record<string, Float64Array> = {};
      for (const k of parameterNames(spec)) {
        next[k] = w[k].map((wi, i) => {
          const d = g[k][i] * scale + wd * wi;
          mom[k][i] = b1 * mom[k][i] + (1 - b1) * d;
          vel[k][i] = b2 * vel[k][i] + (1 - b2) * d * d;
          const mHat = mom[k][i] / (1 - b1 ** t);
          const vHat = vel[k][i] / (1 - b2 ** t);
          return wi - (lr * mHat) / (Math.sqrt(vHat) + eps);
        });
      }
      w = next;
      const actual = await weights(m);
      for (const k of parameterNames(spec)) {
        for (let i = 0; i < w[k].length; i++) expect(actual[k][i]).toBeCloseTo(w[k][i], 12);
      }
    }
    const state = await m.getOptimizerState();
    expect([...state.step.data]).toEqual([2]);
    expect(state.step.shape).toEqual([1]);
  });

  it("RMSprop with weight decay over two steps (PyTorch: v = α·v + (1−α)·g², w −= lr·g/(√v + eps))", async () => {
    const [lr, alpha, eps, wd] = [0.002, 0.95, 1e-8, 0.01];
    const m = model({ optimizer: { type: "rmsprop", lr, alpha, eps, weightDecay: wd }, clip: 0.05 });
    let w = await weights(m);
    const sq: Record<string, Float64Array> = {};
    for (const k of parameterNames(spec)) sq[k] = new Float64Array(w[k].length);
    for (let t = 1; t <= 2; t++) {
      const g = await grads(m);
      const scale = Math.min(1, 0.05 / (norm(g) + 1e-6));
      await m.trainStep(batch, m.beginState(batch.batch));
      const next: Record<string, Float64Array> = {};
      for (const k of parameterNames(spec)) {
        next[k] = w[k].map((wi, i) => {
          const d = g[k][i] * scale + wd * wi;
          sq[k][i] = alpha * sq[k][i] + (1 - alpha) * d * d;
          return wi - (lr * d) / (Math.sqrt(sq[k][i]) + eps);
        });
      }
      w = next;
      expectAllClose(await weights(m), w);
    }
    const state = await m.getOptimizerState();
    expect(Object.keys(state).sort()).toEqual(
      parameterNames(spec)
        .map((k) => `square_avg.${k}`)
        .sort(),
    );
  });

  it("getOptimizerState/setOptimizerState resume exactly", async () => {
    const training = { optimizer: { type: "adam" as const, lr: 0.01 }, clip: 1 };
    const a = model(training);
    await a.trainStep(batch, a.beginState(batch.batch));
    const b = new ReferenceTrainableModel(spec, await a.getWeights(), parseTrainingOptions(training));
    await b.setOptimizerState(await a.getOptimizerState());
    const ra = await a.trainStep(batch, a.beginState(batch.batch));
    const rb = await b.trainStep(batch, b.beginState(batch.batch));
    expect(rb.loss).toBe(ra.loss);
    expect(await weights(b)).toEqual(await weights(a));
    await expect(b.setOptimizerState({})).rejects.toThrow(/missing optimizer buffer/);
  });

  it("setLearningRate changes the next step's size", async () => {
    const m = model({ optimizer: { type: "sgd", lr: 1 }, clip: null });
    m.setLearningRate(0.25);
    expect(m.learningRate).toBe(0.25);
    const g = await grads(m);
    const w0 = await weights(m);
    await m.trainStep(batch, m.beginState(batch.batch));
    expectAllClose(
      await weights(m),
      Object.fromEntries(parameterNames(spec).map((k) => [k, w0[k].map((w, i) => w - 0.25 * g[k][i])])),
    );
    expect(() => m.setLearningRate(0)).toThrow(/positive/);
  });
});
