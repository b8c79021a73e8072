import {
  CELLS,
  type Cell,
  type ModelSpec,
  parseModelSpec,
  SeededRandom,
  type StateInit,
  type TimeMajorBatch,
  type Weights,
} from "@rnnlm/core";
import { initWeights, parameterNames } from "@rnnlm/core/backend";
import { describe, expect, it } from "vitest";
import { ReferenceTrainableModel } from "../src/index.js";

// d loss / d w for every parameter element by a central finite difference of fourth order,
// (8·(L(w+h) − L(w−h)) − (L(w+2h) − L(w−2h))) / 12h with h = 1e-3: truncation O(h⁴) ≈ 1e-12,
// rounding ≈ 1e-16 / h ≈ 1e-13 absolute, well below what a 1e-6 relative error allows
// (worst element seen: 2e-7 relative, on a gradient whose largest element is 1e-3).
const H_STEP = 1e-3;
const TOLERANCE = 1e-6;

type Input = "one-hot" | "embedding" | "tied";

function makeSpec(cell: Cell, numLayers: number, input: Input): ModelSpec {
  return parseModelSpec({
    cell,
    vocabSize: 6,
    hiddenSize: 4,
    numLayers,
    embeddingSize: input === "one-hot" ? null : 4,
    tied: input === "tied",
  });
}

function setup(spec: ModelSpec, seed: number) {
  const rng = new SeededRandom(seed);
  const weights = initWeights(spec, rng);
  const steps = 3;
  const batch = 2;
  const n = spec.numLayers * batch * spec.hiddenSize;
  const drawState = () => Float32Array.from({ length: n }, () => rng.uniform() - 0.5);
  const init: StateInit = spec.cell === "lstm" ? { h: drawState(), c: drawState() } : { h: drawState() };
  const ids = () => Int32Array.from({ length: steps * batch }, () => rng.int(0, spec.vocabSize - 1));
  const data: TimeMajorBatch = { x: ids(), y: ids(), steps, batch };
  return { weights, init, data };
}

/** Relative error with a floor of 1e-3 × the largest |analytic| of the tensor. */
function relativeError(numeric: Float64Array, analytic: ArrayLike<number>): number {
  let largest = 0;
  for (let i = 0; i < analytic.length; i++) largest = Math.max(largest, Math.abs(analytic[i]));
  const floor = Math.max(1e-3 * largest, 1e-12);
  let worst = 0;
  for (let i = 0; i < numeric.length; i++) {
    worst = Math.max(worst, Math.abs(numeric[i] - analytic[i]) / Math.max(Math.abs(analytic[i]), floor));
  }
  return worst;
}

describe("gradients() agree with finite differences of the loss", () => {
  let seed = 1;
  for (const cell of CELLS) {
    for (const numLayers of [1, 2]) {
      for (const input of ["one-hot", "embedding", "tied"] as const) {
        const caseSeed = seed++;
        it(`${cell}, ${numLayers} layer(s), ${input}`, async () => {
          const spec = makeSpec(cell, numLayers, input);
          const { weights, init, data } = setup(spec, caseSeed);
          const model = new ReferenceTrainableModel(spec, weights, {
            optimizer: { type: "sgd", lr: 1, momentum: 0, weightDecay: 0 },
            clip: null,
            seed: 0,
          });
          const { grads } = await model.gradients(data, model.beginState(data.batch, init));
          expect(Object.keys(grads)).toEqual(parameterNames(spec));

          const base: Weights = {};
          for (const name of parameterNames(spec)) {
            base[name] = { shape: weights[name].shape, data: Float64Array.from(weights[name].data) };
          }
          const lossAt = async (name: string, i: number, delta: number): Promise<number> => {
            const data64 = base[name].data as Float64Array;
            const saved = data64[i];
            data64[i] = saved + delta;
            await model.setWeights(base); // tied: no decoder.weight key, the decoder follows encoder.weight
            data64[i] = saved;
            return (await model.evaluate(data, model.beginState(data.batch, init))).loss;
          };
          for (const name of parameterNames(spec)) {
            const numeric = new Float64Array(base[name].data.length);
            for (let i = 0; i < numeric.length; i++) {
              const d1 = (await lossAt(name, i, H_STEP)) - (await lossAt(name, i, -H_STEP));
              const d2 = (await lossAt(name, i, 2 * H_STEP)) - (await lossAt(name, i, -2 * H_STEP));
              numeric[i] = (8 * d1 - d2) / (12 * H_STEP);
            }
            const error = relativeError(numeric, grads[name].data);
            expect(error, `${name}: relative error ${error}`).toBeLessThanOrEqual(TOLERANCE);
          }
        });
      }
    }
  }
});
