import type { ModelSpec, TrainableModel, Weights } from "@rnnlm/core";
import { disposeState, parseModelSpec, parseTrainingOptions, SeededRandom } from "@rnnlm/core";
import { initWeights } from "@rnnlm/core/backend";
import { describe, expect, it } from "vitest";
import { tfjsBackend } from "../src/index.js";
import { referenceForward, toFloat64 } from "./float64-reference.js";

// The model keeps tensors made from its parameters between calls (the decoder transposed, each
// layer's folded input bias, the recurrent matrix cut into gate blocks): generation would
// otherwise remake them every token. Every weight change must invalidate them: the logits after
// training steps and after setWeights are checked against a float64 recomputation from the
// weights the model reports at that moment.

const V = 6;
const H = 4;
const T = 3;
const ids = Int32Array.from([0, 5, 2]);

async function logitsMatchFloat64(model: TrainableModel, spec: ModelSpec, what: string): Promise<void> {
  const p = toFloat64(await model.getWeights());
  const zeros = new Float64Array(spec.numLayers * H);
  const ref = referenceForward(spec, p, ids, ids, T, 1, zeros, spec.cell === "lstm" ? zeros : null);
  const state = model.beginState(1);
  const out = await model.forward({ ids, steps: T, batch: 1 }, state);
  const got = out.logits.dataSync();
  expect(got.length, what).toBe(ref.logits.length);
  for (let i = 0; i < got.length; i++) {
    const tol = 1e-5 + 1e-4 * Math.abs(ref.logits[i]);
    if (!(Math.abs(got[i] - ref.logits[i]) <= tol)) {
      throw new Error(`${what}: logits[${i}] = ${got[i]}, float64 gives ${ref.logits[i]}`);
    }
  }
  out.logits.dispose();
  disposeState(out.state);
  disposeState(state);
}

const specs = [
  parseModelSpec({ cell: "lstm", vocabSize: V, hiddenSize: H, numLayers: 2, embeddingSize: 3 }),
  parseModelSpec({ cell: "gru", vocabSize: V, hiddenSize: H, embeddingSize: H, tied: true }),
];

for (const device of ["cpu", "wasm"]) {
  describe(`tfjs:${device}: tensors cached from the parameters follow every weight change`, () => {
    for (const spec of specs) {
      it(`${spec.cell}${spec.tied ? " tied" : ""}: forward, train steps, setWeights`, async () => {
        const runtime = await tfjsBackend.init(device);
        const model = (await runtime.createTrainableModel?.(spec, {
          seed: 1,
          training: parseTrainingOptions({ optimizer: { type: "sgd", lr: 5 } }),
        })) as TrainableModel;
        await logitsMatchFloat64(model, spec, "fresh");
        const before = await model.getWeights();
        let state = model.beginState(1);
        for (let i = 0; i < 2; i++) {
          const r = await model.trainStep({ x: ids, y: Int32Array.from([5, 2, 1]), steps: T, batch: 1 }, state);
          disposeState(state);
          state = r.state;
        }
        disposeState(state);
        const decoder = spec.tied ? "encoder.weight" : "decoder.weight";
        const after = await model.getWeights();
        // The steps must have moved the decoder, or this test could not see a stale copy.
        expect(after[decoder].data).not.toEqual(before[decoder].data);
        await logitsMatchFloat64(model, spec, "after two training steps");

        const other: Weights = initWeights(spec, new SeededRandom(7));
        await model.setWeights(other);
        await logitsMatchFloat64(model, spec, "after setWeights");
        model.dispose();
      });
    }
  });
}
