import {
  disposeState,
  type Model,
  type ModelSpec,
  parseModelSpec,
  type RecurrentState,
  SeededRandom,
  ShapeError,
} from "@rnnlm/core";
import { argmax, initWeights } from "@rnnlm/core/backend";
import { describe, expect, it } from "vitest";
import { onnxBackend } from "../src/index.js";

// OnnxModel.greedySteps runs k greedy steps in one ONNX Loop call. It must equal k one-step
// `forward` calls with a host argmax after each, bit for bit: tokens, state and last logits.

const specs: ModelSpec[] = [
  parseModelSpec({ cell: "lstm", vocabSize: 28, hiddenSize: 24 }),
  parseModelSpec({ cell: "gru", vocabSize: 30, hiddenSize: 16, numLayers: 2, embeddingSize: 8 }),
  parseModelSpec({ cell: "rnn_tanh", vocabSize: 25, hiddenSize: 12, embeddingSize: 12, tied: true }),
  parseModelSpec({ cell: "rnn_relu", vocabSize: 20, hiddenSize: 10, numLayers: 2, embeddingSize: 6 }),
];

/** Weights scaled up so greedy paths wander instead of settling on one token. */
function sharpWeights(spec: ModelSpec, seed: number) {
  const weights = initWeights(spec, new SeededRandom(seed));
  for (const w of Object.values(weights)) for (let i = 0; i < w.data.length; i++) w.data[i] *= 4;
  return weights;
}

function randomState(model: Model, seed: number): RecurrentState {
  const rng = new SeededRandom(seed);
  const n = model.spec.numLayers * model.spec.hiddenSize;
  const h = Float32Array.from({ length: n }, () => rng.uniform() - 0.5);
  const c = model.spec.cell === "lstm" ? Float32Array.from({ length: n }, () => rng.uniform() - 0.5) : undefined;
  return model.beginState(1, { h, c });
}

/** The per-call path: `count` one-token forwards, argmax on the host after each. */
async function stepByStep(model: Model, first: number, count: number, state: RecurrentState) {
  const ids = new Int32Array(count);
  let s = state;
  let logits: Float32Array = new Float32Array(0);
  let next = first;
  for (let i = 0; i < count; i++) {
    const out = await model.forward({ ids: Int32Array.of(next), steps: 1, batch: 1 }, s);
    if (s !== state) disposeState(s);
    s = out.state;
    logits = await out.logits.data();
    next = argmax(logits);
    ids[i] = next;
  }
  return { ids, state: s, logits };
}

async function expectSame(model: Model, first: number, count: number, state: RecurrentState) {
  const greedySteps = model.greedySteps;
  if (greedySteps === undefined) throw new Error(`${model.backendId} has no greedySteps`);
  const fast = await greedySteps.call(model, first, count, state);
  const slow = await stepByStep(model, first, count, state);
  expect(Array.from(fast.ids)).toEqual(Array.from(slow.ids));
  expect(Array.from(fast.logits)).toEqual(Array.from(slow.logits));
  expect(Array.from(fast.state.h.dataSync())).toEqual(Array.from(slow.state.h.dataSync()));
  if (slow.state.c !== undefined) {
    expect(Array.from(fast.state.c?.dataSync() ?? [])).toEqual(Array.from(slow.state.c.dataSync()));
  }
  disposeState(fast.state);
  disposeState(slow.state);
  return Array.from(fast.ids);
}

for (const device of ["cpu", "wasm"] as const) {
  describe(`onnx:${device} greedySteps`, () => {
    for (const spec of specs) {
      const name = `${spec.cell}, ${spec.numLayers} layer(s), ${spec.embeddingSize === null ? "one-hot" : "embedding"}${spec.tied ? ", tied" : ""}`;
      it(`equals one forward per token bit for bit (${name})`, async () => {
        const runtime = await onnxBackend.init(device, { threads: 1 });
        const model = await runtime.createModel(spec, { weights: sharpWeights(spec, 1) });
        const state = randomState(model, 2);
        const ids = await expectSame(model, 3, 40, state);
        expect(new Set(ids).size).toBeGreaterThanOrEqual(2);
        await expectSame(model, 0, 1, state);
        disposeState(state);
        model.dispose();
      });
    }

    it("follows setWeights (the Loop model is rebuilt from the new weights)", async () => {
      const spec = specs[0];
      const runtime = await onnxBackend.init(device, { threads: 1 });
      const model = await runtime.createModel(spec, { weights: sharpWeights(spec, 1) });
      const state = model.beginState(1);
      const before = await expectSame(model, 5, 30, state);
      await model.setWeights(sharpWeights(spec, 9));
      const after = await expectSame(model, 5, 30, state);
      // Otherwise a stale Loop model could not be told apart.
      expect(after).not.toEqual(before);
      disposeState(state);
      model.dispose();
    });

    it("refuses a bad count, token or state with a ShapeError", async () => {
      const spec = specs[0];
      const model = await (await onnxBackend.init(device, { threads: 1 })).createModel(spec, { seed: 1 });
      const greedySteps = model.greedySteps?.bind(model);
      if (greedySteps === undefined) throw new Error("no greedySteps");
      const state = model.beginState(1);
      await expect(greedySteps(1, 0, state)).rejects.toThrow(/count must be a positive integer, got 0/);
      await expect(greedySteps(28, 2, state)).rejects.toThrow(ShapeError);
      const wide = model.beginState(2);
      await expect(greedySteps(1, 2, wide)).rejects.toThrow(/use beginState\(1\)/);
      disposeState(wide);
      model.dispose();
      await expect(greedySteps(1, 2, state)).rejects.toThrow(/disposed/);
      disposeState(state);
    });
  });
}
