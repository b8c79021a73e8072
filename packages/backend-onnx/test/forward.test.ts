import { ReferenceModel, referenceBackend } from "@rnnlm/backend-reference";
import { type BackendRuntime, disposeState, type Model } from "@rnnlm/core";
import { hasCellState } from "@rnnlm/core/backend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onnxBackend } from "../src/index.js";
import { caseWeights, modelCases, randomIds, randomState, toleranceRatio } from "./model-cases.js";

// fp32 against the float64 reference backend: |a − b| ≤ 1e-5 + 1e-5·|b| on logits and states.
const ATOL = 1e-5;
const RTOL = 1e-5;
const STEPS = 6;
const BATCH = 3;

for (const device of ["cpu", "wasm"] as const) {
  describe(`onnx:${device} forward against the float64 reference`, () => {
    let runtime: BackendRuntime;
    beforeAll(async () => {
      runtime = await onnxBackend.init(device, { threads: 1 });
    });

    modelCases().forEach(({ name, spec }, index) => {
      it(name, async () => {
        const weights = caseWeights(spec, 11 + index);
        const model = await runtime.createModel(spec, { weights });
        try {
          const n = spec.numLayers * BATCH * spec.hiddenSize;
          const h0 = randomState(n, 100 + index);
          const c0 = hasCellState(spec.cell) ? randomState(n, 200 + index) : null;
          const ids = randomIds(STEPS * BATCH, spec.vocabSize, 300 + index);
          const state = model.beginState(BATCH, c0 === null ? { h: h0 } : { h: h0, c: c0 });
          const out = await model.forward({ ids, steps: STEPS, batch: BATCH }, state);
          // The float64 reference backend (itself checked against finite differences and PyTorch).
          const reference = await (await referenceBackend.init("cpu")).createModel(spec, { weights });
          if (!(reference instanceof ReferenceModel)) throw new Error("expected the reference model");
          const want = reference.forward64(
            { ids, steps: STEPS, batch: BATCH },
            { h: Float64Array.from(h0), c: c0 === null ? null : Float64Array.from(c0) },
          );
          reference.dispose();
          expect(out.logits.shape).toEqual([STEPS * BATCH, spec.vocabSize]);
          expect(out.state.h.shape).toEqual([spec.numLayers, BATCH, spec.hiddenSize]);
          expect(toleranceRatio(out.logits.dataSync(), want.logits, ATOL, RTOL)).toBeLessThanOrEqual(1);
          expect(toleranceRatio(out.state.h.dataSync(), want.h, ATOL, RTOL)).toBeLessThanOrEqual(1);
          if (want.c !== null) {
            expect(out.state.c).toBeDefined();
            expect(toleranceRatio(out.state.c?.dataSync() ?? [], want.c, ATOL, RTOL)).toBeLessThanOrEqual(1);
          }
        } finally {
          model.dispose();
        }
      });
    });

    it("one token at a time with the state carried equals the whole sequence", async () => {
      for (const { spec } of modelCases().filter((c) => c.spec.numLayers === 2 && c.name.endsWith("embedding"))) {
        const model: Model = await runtime.createModel(spec, { weights: caseWeights(spec, 5) });
        const ids = randomIds(STEPS * BATCH, spec.vocabSize, 9);
        const whole = await model.forward({ ids, steps: STEPS, batch: BATCH }, model.beginState(BATCH));
        let state = model.beginState(BATCH);
        const rows: Float32Array[] = [];
        for (let t = 0; t < STEPS; t++) {
          const step = await model.forward(
            { ids: ids.subarray(t * BATCH, (t + 1) * BATCH), steps: 1, batch: BATCH },
            state,
          );
          disposeState(state);
          state = step.state;
          rows.push(step.logits.dataSync());
        }
        const incremental = new Float32Array(rows.flatMap((r) => [...r]));
        expect(toleranceRatio(incremental, whole.logits.dataSync(), 1e-6, 1e-6)).toBeLessThanOrEqual(1);
        expect(toleranceRatio(state.h.dataSync(), whole.state.h.dataSync(), 1e-6, 1e-6)).toBeLessThanOrEqual(1);
        if (state.c !== undefined) {
          expect(toleranceRatio(state.c.dataSync(), whole.state.c?.dataSync() ?? [], 1e-6, 1e-6)).toBeLessThanOrEqual(
            1,
          );
        }
        model.dispose();
      }
    });
  });
}

afterAll(() => undefined);
