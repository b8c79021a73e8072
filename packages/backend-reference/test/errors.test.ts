import { parseModelSpec, ShapeError } from "@rnnlm/core";
import { HostTensor } from "@rnnlm/core/backend";
import { describe, expect, it } from "vitest";
import { referenceBackend } from "../src/index.js";

const spec = parseModelSpec({ cell: "lstm", vocabSize: 4, hiddenSize: 3, numLayers: 2 });

describe("bad input gets one clear error", () => {
  it("ids out of the vocabulary", async () => {
    const model = await (await referenceBackend.init("cpu")).createModel(spec);
    const state = model.beginState(1);
    await expect(model.forward({ ids: Int32Array.from([1, 4]), steps: 2, batch: 1 }, state)).rejects.toThrow(
      /id 4 at position 1 is outside the vocabulary \[0, 4\)/,
    );
    await expect(model.forward({ ids: Int32Array.from([1, -1]), steps: 2, batch: 1 }, state)).rejects.toThrow(
      ShapeError,
    );
  });

  it("ids that do not fill steps × batch", async () => {
    const model = await (await referenceBackend.init("cpu")).createModel(spec);
    await expect(
      model.forward({ ids: Int32Array.from([1, 2, 3]), steps: 2, batch: 2 }, model.beginState(2)),
    ).rejects.toThrow(/3 ids for steps 2 × batch 2 = 4/);
  });

  it("a state of the wrong shape or kind", async () => {
    const model = await (await referenceBackend.init("cpu")).createModel(spec);
    const ids = { ids: Int32Array.from([1, 2]), steps: 1, batch: 2 };
    await expect(model.forward(ids, model.beginState(1))).rejects.toThrow(
      /state h has shape \[2, 1, 3\], expected \[2, 2, 3\]/,
    );
    const h = new HostTensor<"float32">(new Float32Array(12), [2, 2, 3]);
    await expect(model.forward(ids, { h })).rejects.toThrow(/lstm state needs "c"/);
    expect(() => model.beginState(2, { h: new Float32Array(5) })).toThrow(/holds 5 values/);
  });

  it("weights of the wrong shape, missing or extra", async () => {
    const runtime = await referenceBackend.init("cpu");
    const model = await runtime.createModel(spec, { seed: 1 });
    const weights = await model.getWeights();
    await expect(
      model.setWeights({ ...weights, "decoder.bias": { shape: [5], data: new Float32Array(5) } }),
    ).rejects.toThrow(/decoder.bias" has shape \[5\], expected \[4\]/);
    const { "rnn.weight_hh_l1": _, ...missing } = weights;
    await expect(model.setWeights(missing)).rejects.toThrow(/missing weight "rnn.weight_hh_l1"/);
  });

  it("an unknown device, and use after dispose", async () => {
    await expect(referenceBackend.init("cuda")).rejects.toThrow(/one device, "cpu"/);
    const model = await (await referenceBackend.init("cpu")).createModel(spec);
    model.dispose();
    expect(() => model.beginState(1)).toThrow(/disposed/);
  });

  it("getWeights returns float64 copies; setWeights takes float32 or float64", async () => {
    const runtime = await referenceBackend.init("cpu");
    const model = await runtime.createModel(spec, { seed: 2 });
    const w = await model.getWeights();
    expect(w["decoder.bias"].data).toBeInstanceOf(Float64Array);
    const as32 = Object.fromEntries(
      Object.entries(w).map(([k, t]) => [k, { shape: t.shape, data: Float32Array.from(t.data) }]),
    );
    await model.setWeights(as32);
    expect([...(await model.getWeights())["decoder.bias"].data]).toEqual([...as32["decoder.bias"].data]);
  });
});
