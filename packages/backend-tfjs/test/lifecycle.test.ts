import type { TrainableModel } from "@rnnlm/core";
import { BackendUnavailableError, disposeState, parseModelSpec, parseTrainingOptions, ShapeError } from "@rnnlm/core";
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { tfjsBackend } from "../src/index.js";

const spec = parseModelSpec({
  cell: "lstm",
  vocabSize: 7,
  hiddenSize: 4,
  numLayers: 2,
  embeddingSize: 4,
  tied: true,
  dropout: { between: 0.2 },
});
const batch = { x: Int32Array.from([0, 1, 2, 3, 4, 5]), y: Int32Array.from([1, 2, 3, 4, 5, 6]), steps: 3, batch: 2 };

async function model(device: string): Promise<TrainableModel> {
  const rt = await tfjsBackend.init(device);
  return (await rt.createTrainableModel?.(spec, {
    training: parseTrainingOptions({ optimizer: { type: "adam", lr: 0.01 }, clip: 1, seed: 0 }),
  })) as TrainableModel;
}

describe("tfjs backend lifecycle", () => {
  for (const device of ["wasm", "cpu"]) {
    it(`tfjs:${device}: no tensor leaks across steps, evaluation, gradients and forward`, async () => {
      const m = await model(device);
      let state = m.beginState(2);
      const epoch = async () => {
        for (let i = 0; i < 3; i++) {
          const r = await m.trainStep(batch, state);
          disposeState(state);
          state = r.state; // sequential: carried, detached
        }
        const e = await m.evaluate(batch, state);
        disposeState(e.state);
        const g = await m.gradients(batch, state);
        disposeState(g.state);
        const f = await m.forward({ ids: batch.x, steps: 3, batch: 2 }, state);
        f.logits.dispose();
        disposeState(f.state);
        await m.getWeights();
        await m.getOptimizerState();
      };
      await epoch();
      const before = tf.memory().numTensors;
      await epoch();
      await epoch();
      expect(tf.memory().numTensors).toBe(before);
      disposeState(state);
      m.dispose();
    });
  }

  it("describes the devices in preference order with the agreed priorities", () => {
    expect(tfjsBackend.name).toBe("tfjs");
    expect(tfjsBackend.devices.map((d) => [d.name, d.priority.train, d.priority.infer])).toEqual([
      ["cuda", 100, 90],
      ["cpu-native", 60, 60],
      ["wasm", 30, 30],
      ["cpu", 10, 10],
    ]);
  });

  it("wasm runtime says it runs SIMD single-threaded", async () => {
    const rt = await tfjsBackend.init("wasm");
    expect(rt.id).toBe("tfjs:wasm");
    expect(rt.description).toMatch(/SIMD/);
    expect(rt.description).toMatch(/1 thread/);
  });

  it("cuda without @tensorflow/tfjs-node-gpu: one error naming the package and CUDA 11.2 / cuDNN 8.1", async () => {
    const err = await tfjsBackend.init("cuda").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect((err as Error).message).toMatch(/@tensorflow\/tfjs-node-gpu/);
    expect((err as Error).message).toMatch(/CUDA 11\.2/);
    expect((err as Error).message).toMatch(/cuDNN 8\.1/);
    const native = await tfjsBackend.init("cpu-native").catch((e: unknown) => e);
    expect((native as Error).message).toMatch(/@tensorflow\/tfjs-node\b/);
    await expect(tfjsBackend.init("tpu")).rejects.toThrow(/no device "tpu"/);
  });

  it("bad input gets one clear error", async () => {
    const m = await model("wasm");
    const state = m.beginState(2);
    await expect(m.trainStep({ ...batch, x: Int32Array.from([0, 1, 2, 3, 4, 9]) }, state)).rejects.toThrow(
      /id 9 .*outside the vocabulary \[0, 7\)/,
    );
    await expect(m.forward({ ids: batch.x, steps: 2, batch: 2 }, state)).rejects.toThrow(ShapeError);
    const wrong = m.beginState(3);
    await expect(m.evaluate(batch, wrong)).rejects.toThrow(/state.h has shape \[2, 3, 4\], expected \[2, 2, 4\]/);
    expect(() => m.beginState(2, { h: new Float32Array(3) })).toThrow(/needs 16/);
    await expect(
      m.setOptimizerState({ "momentum.decoder.bias": { shape: [7], data: new Float32Array(7) } }),
    ).rejects.toThrow(/does not belong/);
    disposeState(state);
    disposeState(wrong);
    m.dispose();
    expect(() => m.beginState(2)).toThrow(/disposed/);
  });

  it("models on different devices can be used in turn in one process", async () => {
    const a = await model("cpu");
    const b = await model("wasm");
    await b.setWeights(await a.getWeights());
    for (const m of [a, b, a]) {
      const s = m.beginState(2);
      const r = await m.evaluate(batch, s);
      const other = await b.evaluate(batch, s);
      expect(r.loss).toBeCloseTo(other.loss, 5);
      disposeState(other.state);
      disposeState(r.state);
      disposeState(s);
    }
    a.dispose();
    b.dispose();
  });
});
