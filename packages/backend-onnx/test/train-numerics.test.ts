import { referenceBackend } from "@rnnlm/backend-reference";
import { compareArrays } from "@rnnlm/conformance";
import {
  type BackendRuntime,
  disposeState,
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  type StateInit,
  type TimeMajorBatch,
  type TrainingOptionsInput,
  type Weights,
} from "@rnnlm/core";
import { hasCellState, parameterNames } from "@rnnlm/core/backend";
import { beforeAll, describe, expect, it } from "vitest";
import { onnxBackend } from "../src/index.js";
import { caseWeights, randomIds, randomState } from "./model-cases.js";

// The training graphs against the float64 reference backend (an independent implementation of
// forward, BPTT, clipping and the optimizers, itself checked against PyTorch), on shapes the
// shared fixtures do not cover (longer windows, wider layers, dropout everywhere), and against
// finite differences of the ONNX graph's own loss.
// Metric: conformance's compareArrays (relative, floor 10% of the tensor's largest element);
// 1e-4 as the conformance suite's float32 gradient tolerance.
const TOL = 1e-4;
const STEPS = 7;
const BATCH = 3;

function spec(
  cell: ModelSpec["cell"],
  numLayers: number,
  input: "onehot" | "embedding" | "tied",
  dropout = 0,
  vocabSize = 11,
) {
  return parseModelSpec({
    cell,
    vocabSize,
    hiddenSize: 8,
    numLayers,
    embeddingSize: input === "onehot" ? null : 8,
    tied: input === "tied",
    dropout: { input: dropout, between: dropout, output: dropout },
  });
}

function problem(s: ModelSpec, seed: number): { weights: Weights; batch: TimeMajorBatch; state: StateInit } {
  const n = s.numLayers * BATCH * s.hiddenSize;
  const h = randomState(n, seed + 1);
  const x = randomIds(STEPS * BATCH, s.vocabSize, seed + 2);
  const y = randomIds(STEPS * BATCH, s.vocabSize, seed + 3);
  return {
    weights: caseWeights(s, seed),
    batch: { x, y, steps: STEPS, batch: BATCH },
    state: hasCellState(s.cell) ? { h, c: randomState(n, seed + 4) } : { h },
  };
}

function expectClose(name: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol = TOL): void {
  const c = compareArrays(actual, expected);
  expect(c.maxError, `${name}: worst element ${c.index}: ${c.actual} vs ${c.expected}`).toBeLessThanOrEqual(tol);
}

// The last case's vocabulary (40) is wider than the window (7 × 3 = 21 positions): the one-hot
// input projection then adds the bias to the gathered rows instead of to the (V, gates·H) table.
const CONFIGS: Array<[ModelSpec["cell"], number, "onehot" | "embedding" | "tied", number?]> = [
  ["lstm", 2, "onehot"],
  ["lstm", 1, "tied"],
  ["gru", 2, "embedding"],
  ["gru", 1, "onehot"],
  ["rnn_tanh", 2, "tied"],
  ["rnn_relu", 2, "onehot"],
  ["lstm", 2, "onehot", 40],
];

describe("onnx:cpu training graphs against the float64 reference", () => {
  let onnx: BackendRuntime;
  let reference: BackendRuntime;
  beforeAll(async () => {
    onnx = await onnxBackend.init("cpu", { threads: 1 });
    reference = await referenceBackend.init("cpu");
  });

  CONFIGS.forEach(([cell, layers, input, vocab], index) => {
    it(`gradients: ${cell} ${layers}L ${input}${vocab === undefined ? "" : `, V ${vocab}`}`, async () => {
      const s = spec(cell, layers, input, 0, vocab);
      const { weights, batch, state } = problem(s, 40 + index);
      const training = parseTrainingOptions({ optimizer: { type: "sgd", lr: 1 } });
      const ours = await onnx.createTrainableModel?.(s, { weights, training });
      const ref = await reference.createTrainableModel?.(s, { weights, training });
      if (ours === undefined || ref === undefined) throw new Error("cannot train");
      const a = await ours.gradients(batch, ours.beginState(BATCH, state));
      const b = await ref.gradients(batch, ref.beginState(BATCH, state));
      expectClose("loss", [a.loss], [b.loss], 1e-5);
      expectClose("h", a.state.h.dataSync(), b.state.h.dataSync());
      expect(Object.keys(a.grads).sort()).toEqual(parameterNames(s).sort());
      for (const name of parameterNames(s)) expectClose(name, a.grads[name].data, b.grads[name].data);
      ours.dispose();
      ref.dispose();
    });
  });

  // The training graphs take the loss as −log p of one Softmax pass, falling back to LogSoftmax
  // where a picked p is not a normal float32: here the targets' probabilities are ~e^-120
  // (0 in float32), and loss and gradients must still be the reference's.
  it("gradients where a target's probability underflows float32 (the LogSoftmax fallback)", async () => {
    const s = spec("gru", 1, "embedding");
    const { weights, batch, state } = problem(s, 55);
    const bias = Float32Array.from(weights["decoder.bias"].data);
    for (const y of batch.y.subarray(0, 4)) bias[y] = -120;
    const sharp: Weights = { ...weights, "decoder.bias": { shape: weights["decoder.bias"].shape, data: bias } };
    const training = parseTrainingOptions({ optimizer: { type: "sgd", lr: 1 } });
    const ours = await onnx.createTrainableModel?.(s, { weights: sharp, training });
    const ref = await reference.createTrainableModel?.(s, { weights: sharp, training });
    if (ours === undefined || ref === undefined) throw new Error("cannot train");
    const a = await ours.gradients(batch, ours.beginState(BATCH, state));
    const b = await ref.gradients(batch, ref.beginState(BATCH, state));
    expect(b.loss).toBeGreaterThan(10);
    expectClose("loss", [a.loss], [b.loss], 1e-5);
    for (const name of parameterNames(s)) expectClose(name, a.grads[name].data, b.grads[name].data);
    const step = await ours.trainStep(batch, ours.beginState(BATCH, state));
    expectClose("trainStep loss", [step.loss], [b.loss], 1e-5);
    ours.dispose();
    ref.dispose();
  });

  // Dropout everywhere (one-hot input masks exercise the dense one-hot path): masks are drawn from
  // the training seed in the reference's order and applied forward and backward as it does, so
  // two steps (the generator advances) give the reference's losses, norms and weights.
  const dropoutCases: Array<[ModelSpec["cell"], "onehot" | "embedding" | "tied", TrainingOptionsInput]> = [
    ["lstm", "embedding", { optimizer: { type: "sgd", lr: 0.5, momentum: 0.9 }, clip: 0.5, seed: 7 }],
    ["gru", "onehot", { optimizer: { type: "sgd", lr: 1, weightDecay: 0.01 }, clip: null, seed: 3 }],
    ["rnn_tanh", "tied", { optimizer: { type: "adam", lr: 0.01 }, clip: 1, seed: 5 }],
  ];
  dropoutCases.forEach(([cell, input, trainingInput], index) => {
    it(`trainStep with dropout 0.3 everywhere: ${cell} 2L ${input}, ${trainingInput.optimizer.type}`, async () => {
      const s = spec(cell, 2, input, 0.3);
      const { weights, batch, state } = problem(s, 70 + index);
      const training = parseTrainingOptions(trainingInput);
      const ours = await onnx.createTrainableModel?.(s, { weights, training });
      const ref = await reference.createTrainableModel?.(s, { weights, training });
      if (ours === undefined || ref === undefined) throw new Error("cannot train");
      for (let i = 0; i < 2; i++) {
        const a = await ours.trainStep(batch, ours.beginState(BATCH, state));
        const b = await ref.trainStep(batch, ref.beginState(BATCH, state));
        expectClose(`step ${i} loss`, [a.loss], [b.loss], 1e-5);
        expectClose(`step ${i} gradNorm`, [a.gradNorm], [b.gradNorm]);
        disposeState(a.state);
        disposeState(b.state);
      }
      const wa = await ours.getWeights();
      const wb = await ref.getWeights();
      for (const name of Object.keys(wb)) expectClose(`updated ${name}`, wa[name].data, wb[name].data);
      expect(ours.getRandomState()).toEqual(ref.getRandomState());
      ours.dispose();
      ref.dispose();
    });
  });

  // Central differences of the graph's own float32 loss (evaluate) along a random direction,
  // the perturbation applied in float64 on the host, against ⟨gradient, direction⟩.
  for (const [cell, input] of [
    ["lstm", "embedding"],
    ["gru", "tied"],
    ["rnn_tanh", "onehot"],
  ] as const) {
    it(`finite differences: ${cell} 2L ${input}`, async () => {
      const s = spec(cell, 2, input);
      const { weights, batch, state } = problem(s, 90);
      const training = parseTrainingOptions({ optimizer: { type: "sgd", lr: 1 } });
      const model = await onnx.createTrainableModel?.(s, { weights, training });
      if (model === undefined) throw new Error("cannot train");
      const { grads } = await model.gradients(batch, model.beginState(BATCH, state));
      const direction: Record<string, Float64Array> = {};
      let expected = 0;
      const dirs = randomState(100_000, 5);
      let k = 0;
      for (const name of parameterNames(s)) {
        const d = Float64Array.from(weights[name].data, () => dirs[k++ % dirs.length]);
        direction[name] = d;
        for (let i = 0; i < d.length; i++) expected += d[i] * grads[name].data[i];
      }
      const eps = 2e-3;
      const lossAt = async (sign: number) => {
        const moved: Weights = {};
        for (const name of parameterNames(s)) {
          const w = weights[name].data;
          moved[name] = {
            shape: weights[name].shape,
            data: Float32Array.from(w, (v, i) => v + sign * eps * direction[name][i]),
          };
        }
        await model.setWeights(moved);
        return (await model.evaluate(batch, model.beginState(BATCH, state))).loss;
      };
      const numeric = ((await lossAt(1)) - (await lossAt(-1))) / (2 * eps);
      expect(Math.abs(numeric - expected)).toBeLessThanOrEqual(2e-3 * Math.max(1, Math.abs(expected)));
      model.dispose();
    });
  }
});

describe("onnx:wasm training graphs against the float64 reference", () => {
  it("trainStep with dropout: lstm 2L embedding, Adam", async () => {
    const wasm = await onnxBackend.init("wasm", { threads: 1 });
    const reference = await referenceBackend.init("cpu");
    const s = spec("lstm", 2, "embedding", 0.2);
    const { weights, batch, state } = problem(s, 123);
    const training = parseTrainingOptions({ optimizer: { type: "adam", lr: 0.01 }, clip: 1, seed: 11 });
    const ours = await wasm.createTrainableModel?.(s, { weights, training });
    const ref = await reference.createTrainableModel?.(s, { weights, training });
    if (ours === undefined || ref === undefined) throw new Error("cannot train");
    for (let i = 0; i < 2; i++) {
      const a = await ours.trainStep(batch, ours.beginState(BATCH, state));
      const b = await ref.trainStep(batch, ref.beginState(BATCH, state));
      expectClose(`step ${i} loss`, [a.loss], [b.loss], 1e-5);
    }
    const wa = await ours.getWeights();
    const wb = await ref.getWeights();
    for (const name of Object.keys(wb)) expectClose(`updated ${name}`, wa[name].data, wb[name].data);
    ours.dispose();
  });
});
