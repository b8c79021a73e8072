import { type ModelSpec, parseModelSpec, parseTrainingOptions, SeededRandom, type TimeMajorBatch } from "@rnnlm/core";
import { drawDropoutMasks, initWeights, parameterNames } from "@rnnlm/core/backend";
import { describe, expect, it } from "vitest";
import { backwardPass, lossOf } from "../src/backward.js";
import { forwardPass } from "../src/forward.js";
import { ReferenceTrainableModel } from "../src/index.js";
import type { Parameters } from "../src/parameters.js";

const spec: ModelSpec = parseModelSpec({
  cell: "lstm",
  vocabSize: 6,
  hiddenSize: 4,
  numLayers: 2,
  embeddingSize: 4,
  dropout: { input: 0.3, between: 0.5, output: 0.2 },
});
const batch: TimeMajorBatch = {
  x: Int32Array.from([0, 1, 2, 3, 4, 5, 1, 2]),
  y: Int32Array.from([1, 2, 3, 4, 5, 0, 3, 3]),
  steps: 4,
  batch: 2,
};
const training = parseTrainingOptions({ optimizer: { type: "sgd", lr: 0.5 }, clip: 1, seed: 42 });

function params(): Parameters {
  const w = initWeights(spec, new SeededRandom(3));
  return Object.fromEntries(parameterNames(spec).map((k) => [k, Float64Array.from(w[k].data)]));
}

describe("dropout", () => {
  it("masks are inverted dropout drawn in the documented order: input, between, output; keep when u ≥ p", () => {
    const masks = drawDropoutMasks(spec, batch.steps, batch.batch, new SeededRandom(9), "float64");
    const rng = new SeededRandom(9);
    const rows = batch.steps * batch.batch;
    const expectMask = (mask: Float64Array | null, n: number, p: number) => {
      expect(mask).not.toBeNull();
      expect(mask?.length).toBe(n);
      for (let i = 0; i < n; i++) expect(mask?.[i]).toBe(rng.uniform() >= p ? 1 / (1 - p) : 0);
    };
    expectMask(masks.input, rows * 4, 0.3);
    expectMask(masks.between[0], rows * 4, 0.5);
    expectMask(masks.output, rows * 4, 0.2);
  });

  it("drops about p of the elements", () => {
    const big = parseModelSpec({ ...spec, dropout: { input: 0, between: 0, output: 0.25 } });
    const masks = drawDropoutMasks(big, 100, 10, new SeededRandom(1), "float64");
    expect(masks.input).toBeNull();
    const zeros = masks.output?.filter((v) => v === 0).length ?? 0;
    expect(zeros / 4000).toBeGreaterThan(0.22);
    expect(zeros / 4000).toBeLessThan(0.28);
  });

  it("backpropagates through fixed masks (finite differences)", () => {
    const p = params();
    const masks = drawDropoutMasks(spec, batch.steps, batch.batch, new SeededRandom(5), "float64");
    const h0 = new Float64Array(2 * 2 * 4).map((_, i) => Math.sin(i) / 3);
    const c0 = new Float64Array(2 * 2 * 4).map((_, i) => Math.cos(i) / 3);
    const loss = () => lossOf(forwardPass(spec, p, batch.x, batch.steps, batch.batch, h0, c0, masks), batch.y);
    const { grads } = backwardPass(p, forwardPass(spec, p, batch.x, batch.steps, batch.batch, h0, c0, masks), batch.y);
    const h = 1e-3;
    for (const name of parameterNames(spec)) {
      const w = p[name];
      let largest = 0;
      for (const g of grads[name]) largest = Math.max(largest, Math.abs(g));
      for (let i = 0; i < w.length; i++) {
        const at = (d: number) => {
          const saved = w[i];
          w[i] = saved + d;
          const l = loss();
          w[i] = saved;
          return l;
        };
        const numeric = (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
        const error = Math.abs(numeric - grads[name][i]) / Math.max(Math.abs(grads[name][i]), 1e-3 * largest, 1e-12);
        expect(error, `${name}[${i}]`).toBeLessThanOrEqual(1e-6);
      }
    }
  });

  it("trainStep uses the masks a SeededRandom(training.seed) draws, and is reproducible", async () => {
    const model = new ReferenceTrainableModel(spec, initWeights(spec, new SeededRandom(3)), training);
    const rng = new SeededRandom(training.seed);
    for (let step = 0; step < 2; step++) {
      const current = await model.getWeights();
      const weightsBefore: Parameters = Object.fromEntries(
        parameterNames(spec).map((k) => [k, Float64Array.from(current[k].data)]),
      );
      const masks = drawDropoutMasks(spec, batch.steps, batch.batch, rng, "float64");
      const zeros = new Float64Array(16);
      const expected = lossOf(forwardPass(spec, weightsBefore, batch.x, 4, 2, zeros, zeros, masks), batch.y);
      const { loss } = await model.trainStep(batch, model.beginState(2));
      expect(loss).toBe(expected);
    }
  });

  it("getRandomState/setRandomState resume the mask sequence exactly; another seed differs", async () => {
    const make = (seed: number) =>
      new ReferenceTrainableModel(spec, initWeights(spec, new SeededRandom(3)), { ...training, seed });
    const a = make(42);
    await a.trainStep(batch, a.beginState(2));
    const b = make(42);
    b.setRandomState(a.getRandomState());
    await b.setWeights(await a.getWeights());
    const ra = await a.trainStep(batch, a.beginState(2));
    const rb = await b.trainStep(batch, b.beginState(2));
    expect(rb.loss).toBe(ra.loss);
    const c = make(43);
    const d = make(42);
    expect((await c.trainStep(batch, c.beginState(2))).loss).not.toBe((await d.trainStep(batch, d.beginState(2))).loss);
  });

  it("evaluate and gradients run without dropout", async () => {
    const plain = parseModelSpec({ ...spec, dropout: { input: 0, between: 0, output: 0 } });
    const weights = initWeights(spec, new SeededRandom(3));
    const a = new ReferenceTrainableModel(spec, weights, training);
    const b = new ReferenceTrainableModel(plain, weights, training);
    expect((await a.evaluate(batch, a.beginState(2))).loss).toBe((await b.evaluate(batch, b.beginState(2))).loss);
    expect((await a.gradients(batch, a.beginState(2))).grads).toEqual(
      (await b.gradients(batch, b.beginState(2))).grads,
    );
  });
});
