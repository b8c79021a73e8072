import { describe, expect, it } from "vitest";
import {
  checkLearningRate,
  checkTokenIds,
  emptyForward,
  HostTensor,
  initialStateValues,
  optimizerBufferLayout,
  parameterNames,
  validateOptimizerState,
} from "../src/backend.js";
import {
  CheckpointError,
  parseModelSpec,
  parseTrainingOptions,
  ShapeError,
  SpecError,
  type Weights,
} from "../src/index.js";

const spec = parseModelSpec({ cell: "lstm", vocabSize: 5, hiddenSize: 3, embeddingSize: 2 });
const optimizer = (o: object) => parseTrainingOptions({ optimizer: o }).optimizer;

describe("optimizer-buffer layout", () => {
  it("names PyTorch's buffers per optimizer, with the parameter's shape", () => {
    const names = parameterNames(spec);
    expect(optimizerBufferLayout(spec, optimizer({ type: "sgd", lr: 1 })).size).toBe(0);
    const momentum = optimizerBufferLayout(spec, optimizer({ type: "sgd", lr: 1, momentum: 0.9 }));
    expect([...momentum.keys()]).toEqual(names.map((n) => `momentum.${n}`));
    const adam = optimizerBufferLayout(spec, optimizer({ type: "adam", lr: 1 }));
    expect(adam.size).toBe(2 * names.length + 1);
    expect(adam.get("step")).toEqual([1]);
    expect(adam.get("exp_avg_sq.decoder.weight")).toEqual([5, 3]);
    const rms = optimizerBufferLayout(spec, optimizer({ type: "rmsprop", lr: 1 }));
    expect([...rms.keys()]).toEqual(names.map((n) => `square_avg.${n}`));
  });

  it("validates a given state once, with CheckpointError", () => {
    const adam = optimizer({ type: "adam", lr: 1 });
    const full: Weights = {};
    for (const [key, shape] of optimizerBufferLayout(spec, adam)) {
      full[key] = { shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) };
    }
    full.step = { shape: [1], data: Float64Array.of(7) };
    expect(validateOptimizerState(spec, adam, full)).toEqual({ step: 7 });
    const { "exp_avg.encoder.weight": _, ...partial } = full;
    expect(() => validateOptimizerState(spec, adam, partial)).toThrow(CheckpointError);
    expect(() =>
      validateOptimizerState(spec, adam, { ...full, "momentum.decoder.bias": full["exp_avg.decoder.bias"] }),
    ).toThrow(/does not belong to Adam/);
    expect(() =>
      validateOptimizerState(spec, adam, {
        ...full,
        "exp_avg.decoder.bias": { shape: [4], data: new Float32Array(4) },
      }),
    ).toThrow(/holds 4 values, expected 5/);
    expect(() =>
      validateOptimizerState(spec, adam, { ...full, step: { shape: [1], data: Float64Array.of(-2) } }),
    ).toThrow(/non-negative integer/);
  });
});

describe("ids, states and the learning rate", () => {
  it("checks ids and steps", () => {
    expect(() => checkTokenIds(spec, Int32Array.of(0, 5), 1, 2, "x")).toThrow(/token id 5 at position 1/);
    expect(() => checkTokenIds(spec, Int32Array.of(0), 1, 2, "x")).toThrow(ShapeError);
    expect(() => checkTokenIds(spec, new Int32Array(0), 0, 2, "x")).toThrow(ShapeError);
    expect(() => checkTokenIds(spec, new Int32Array(0), 0, 2, "x", true)).not.toThrow();
  });

  it("copies given initial values and returns a copy of the state for steps = 0", () => {
    const h = Float32Array.from({ length: 6 }, (_, i) => i);
    const values = initialStateValues(spec, 2, { h });
    h[0] = 99;
    expect(values.h[0]).toBe(0);
    expect(values.c).toEqual(new Float32Array(6));
    const state = {
      h: HostTensor.float32(values.h, values.shape),
      c: HostTensor.float32(values.h.slice(), values.shape),
    };
    const out = emptyForward(spec, state, 2);
    expect(out.logits.shape).toEqual([0, 5]);
    expect(out.state.h).not.toBe(state.h);
    expect(Array.from(out.state.h.dataSync())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => emptyForward(spec, { h: state.h }, 2)).toThrow(/needs "c"/);
  });

  it("accepts only a finite positive learning rate", () => {
    expect(checkLearningRate(0.5)).toBe(0.5);
    for (const lr of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => checkLearningRate(lr)).toThrow(SpecError);
  });
});
