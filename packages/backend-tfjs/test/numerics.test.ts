import type { Cell, ModelSpec, TrainableModel, TrainingOptionsInput } from "@rnnlm/core";
import { disposeState, parseModelSpec, SeededRandom } from "@rnnlm/core";
import { drawDropoutMasks, hasCellState, parameterNames } from "@rnnlm/core/backend";
import { describe, expect, it } from "vitest";
import { tfjsBackend } from "../src/index.js";
import { finiteDifferenceGrads, type Params, referenceForward, toFloat64 } from "./float64-reference.js";

const T = 3;
const B = 2;
const V = 5;
const H = 3;

interface Case {
  name: string;
  spec: ModelSpec;
}

const cases: Case[] = [];
for (const cell of ["rnn_tanh", "rnn_relu", "gru", "lstm"] as Cell[]) {
  cases.push({ name: `${cell} 1 layer one-hot`, spec: parseModelSpec({ cell, vocabSize: V, hiddenSize: H }) });
  cases.push({
    name: `${cell} 2 layers embedding`,
    spec: parseModelSpec({ cell, vocabSize: V, hiddenSize: H, numLayers: 2, embeddingSize: 4 }),
  });
}
cases.push({
  name: "lstm 2 layers tied",
  spec: parseModelSpec({ cell: "lstm", vocabSize: V, hiddenSize: H, numLayers: 2, embeddingSize: H, tied: true }),
});
cases.push({
  name: "gru 1 layer tied",
  spec: parseModelSpec({ cell: "gru", vocabSize: V, hiddenSize: H, embeddingSize: H, tied: true }),
});

function data(seed: number) {
  const rng = new SeededRandom(seed);
  const x = Int32Array.from({ length: T * B }, () => rng.int(0, V - 1));
  const y = Int32Array.from({ length: T * B }, () => rng.int(0, V - 1));
  return { x, y, steps: T, batch: B };
}

function initialState(spec: ModelSpec, seed: number) {
  const rng = new SeededRandom(seed);
  const n = spec.numLayers * B * H;
  const h = Float32Array.from({ length: n }, () => rng.uniform() - 0.5);
  const c = hasCellState(spec.cell) ? Float32Array.from({ length: n }, () => rng.uniform() - 0.5) : undefined;
  return { h, c };
}

function refLoss(spec: ModelSpec, p: Params, batch: ReturnType<typeof data>, init: ReturnType<typeof initialState>) {
  return referenceForward(
    spec,
    p,
    batch.x,
    batch.y,
    T,
    B,
    Float64Array.from(init.h),
    init.c ? Float64Array.from(init.c) : null,
  );
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number, what: string) {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`${what}[${i}]: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

async function trainable(device: string, spec: ModelSpec, training: TrainingOptionsInput, seed = 1) {
  const runtime = await tfjsBackend.init(device);
  const create = runtime.createTrainableModel;
  if (create === undefined) throw new Error("runtime cannot train");
  return create.call(runtime, spec, { seed, training: training as never }) as Promise<TrainableModel>;
}

const sgd = (lr: number): TrainingOptionsInput => ({ optimizer: { type: "sgd", lr } });

for (const device of ["wasm", "cpu"]) {
  describe(`tfjs:${device} numerics against a float64 recomputation`, () => {
    for (const { name, spec } of cases) {
      it(`${name}: forward, loss and gradients (finite differences)`, async () => {
        const model = await trainable(device, spec, sgd(0.1));
        const weights = await model.getWeights();
        const p = toFloat64(weights);
        const batch = data(7);
        const init = initialState(spec, 3);
        const ref = refLoss(spec, p, batch, init);

        const state = model.beginState(B, init);
        const fwd = await model.forward({ ids: batch.x, steps: T, batch: B }, state);
        expect(fwd.logits.shape).toEqual([T * B, V]);
        expectClose(fwd.logits.dataSync(), ref.logits, 1e-5, 1e-4, "logits");
        expect(fwd.state.h.shape).toEqual([spec.numLayers, B, H]);
        expectClose(fwd.state.h.dataSync(), ref.h, 1e-5, 1e-4, "state h");
        if (ref.c !== null) expectClose(fwd.state.c?.dataSync() ?? [], ref.c, 1e-5, 1e-4, "state c");
        fwd.logits.dispose();
        disposeState(fwd.state);

        const ev = await model.evaluate(batch, state);
        expect(ev.loss).toBeCloseTo(ref.loss, 5);
        disposeState(ev.state);

        const names = parameterNames(spec);
        const fd = finiteDifferenceGrads(names, p, () => refLoss(spec, p, batch, init).loss);
        const got = await model.gradients(batch, state);
        expect(Object.keys(got.grads).sort()).toEqual([...names].sort());
        expect(got.loss).toBeCloseTo(ref.loss, 5);
        for (const n of names) {
          expect(got.grads[n].shape, n).toEqual(weights[n].shape);
          expectClose(got.grads[n].data, fd[n], 2e-5, 2e-3, `grad ${n}`);
        }
        disposeState(got.state);
        disposeState(state);
        model.dispose();
      });
    }

    it("trainStep: SGD with global-norm clipping matches w − lr·min(1, θ/(‖g‖ + 1e-6))·g (PyTorch)", async () => {
      const spec = cases.find((c) => c.name === "lstm 2 layers tied")?.spec as ModelSpec;
      const clip = 0.05;
      const lr = 0.5;
      const model = await trainable(device, spec, { optimizer: { type: "sgd", lr }, clip });
      const p = toFloat64(await model.getWeights());
      const batch = data(11);
      const init = initialState(spec, 5);
      const names = parameterNames(spec);
      const fd = finiteDifferenceGrads(names, p, () => refLoss(spec, p, batch, init).loss);
      let sq = 0;
      for (const n of names) for (const g of fd[n]) sq += g * g;
      const norm = Math.sqrt(sq);
      expect(norm).toBeGreaterThan(clip); // the clip is active
      const state = model.beginState(B, init);
      const step = await model.trainStep(batch, state);
      expect(step.gradNorm).toBeCloseTo(norm, 4);
      expect(step.loss).toBeCloseTo(refLoss(spec, p, batch, init).loss, 5);
      const after = await model.getWeights();
      const scale = Math.min(1, clip / (norm + 1e-6));
      for (const n of names) {
        const want = p[n].data.map((w, i) => w - lr * scale * fd[n][i]);
        expectClose(after[n].data, want, 1e-6, 1e-4, `updated ${n}`);
      }
      expect(after["decoder.weight"].data).toEqual(after["encoder.weight"].data);
      disposeState(step.state);
      disposeState(state);
      model.dispose();
    });

    for (const opt of [
      { type: "sgd", lr: 0.3, momentum: 0.9, weightDecay: 0.01 },
      { type: "adam", lr: 0.01, beta1: 0.8, beta2: 0.9, eps: 1e-6, weightDecay: 0.01 },
    ] as const) {
      it(`trainStep: ${opt.type} follows PyTorch's update rule over two steps`, async () => {
        const spec = cases.find((c) => c.name === "gru 2 layers embedding")?.spec as ModelSpec;
        const model = await trainable(device, spec, { optimizer: opt, clip: null });
        const p = toFloat64(await model.getWeights());
        const names = parameterNames(spec);
        const bufA: Record<string, Float64Array> = {};
        const bufB: Record<string, Float64Array> = {};
        const init = initialState(spec, 9);
        for (let step = 1; step <= 2; step++) {
          const batch = data(20 + step);
          const fd = finiteDifferenceGrads(names, p, () => refLoss(spec, p, batch, init).loss);
          for (const n of names) {
            const w = p[n].data;
            const g = fd[n].map((v, i) => v + opt.weightDecay * w[i]);
            if (opt.type === "sgd") {
              const buf = step === 1 ? g : bufA[n].map((b, i) => opt.momentum * b + g[i]);
              bufA[n] = buf;
              for (let i = 0; i < w.length; i++) w[i] -= opt.lr * buf[i];
            } else {
              const m = (bufA[n] ?? new Float64Array(w.length)).map((v, i) => opt.beta1 * v + (1 - opt.beta1) * g[i]);
              const v2 = (bufB[n] ?? new Float64Array(w.length)).map(
                (v, i) => opt.beta2 * v + (1 - opt.beta2) * g[i] ** 2,
              );
              bufA[n] = m;
              bufB[n] = v2;
              const bc1 = 1 - opt.beta1 ** step;
              const bc2 = 1 - opt.beta2 ** step;
              for (let i = 0; i < w.length; i++)
                w[i] -= (opt.lr / bc1) * (m[i] / (Math.sqrt(v2[i]) / Math.sqrt(bc2) + opt.eps));
            }
          }
          const state = model.beginState(B, init);
          const r = await model.trainStep(batch, state);
          disposeState(r.state);
          disposeState(state);
        }
        const after = await model.getWeights();
        for (const n of names) expectClose(after[n].data, p[n].data, 2e-5, 1e-3, `${opt.type} ${n}`);
        const opt2 = await model.getOptimizerState();
        const first = opt.type === "sgd" ? "momentum" : "exp_avg";
        for (const n of names) expectClose(opt2[`${first}.${n}`].data, bufA[n], 2e-5, 2e-3, `${first}.${n}`);
        if (opt.type === "adam") expect(opt2.step.data[0]).toBe(2);
        model.dispose();
      });
    }

    it("dropout: the step's loss equals the float64 loss under the same host-drawn masks; resume is exact", async () => {
      for (const base of [
        parseModelSpec({
          cell: "lstm",
          vocabSize: V,
          hiddenSize: H,
          numLayers: 2,
          dropout: { input: 0.3, between: 0.4, output: 0.5 },
        }),
        parseModelSpec({
          cell: "rnn_tanh",
          vocabSize: V,
          hiddenSize: H,
          numLayers: 2,
          embeddingSize: 4,
          dropout: { input: 0.2, between: 0.5, output: 0.3 },
        }),
      ]) {
        const seed = 42;
        const model = await trainable(device, base, { optimizer: { type: "sgd", lr: 0.1 }, seed });
        const p = toFloat64(await model.getWeights());
        const batch = data(5);
        const init = initialState(base, 6);
        const masks = drawDropoutMasks(base, T, B, new SeededRandom(seed));
        const want = referenceForward(
          base,
          p,
          batch.x,
          batch.y,
          T,
          B,
          Float64Array.from(init.h),
          init.c ? Float64Array.from(init.c) : null,
          masks,
        );
        const noDrop = refLoss(base, p, batch, init).loss;
        expect(Math.abs(want.loss - noDrop)).toBeGreaterThan(1e-4); // the masks matter
        const state = model.beginState(B, init);
        const saved = model.getRandomState();
        const weights = await model.getWeights();
        const first = await model.trainStep(batch, state);
        expect(first.loss).toBeCloseTo(want.loss, 5);
        const second = await model.trainStep(batch, state);
        // Rewind weights and generator: the second step must repeat exactly.
        await model.setWeights(weights);
        model.setRandomState(saved);
        const again1 = await model.trainStep(batch, state);
        const again2 = await model.trainStep(batch, state);
        expect(again1.loss).toBe(first.loss);
        expect(again2.loss).toBe(second.loss);
        for (const r of [first, second, again1, again2]) disposeState(r.state);
        disposeState(state);
        model.dispose();
      }
    });
  });
}
