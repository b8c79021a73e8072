import type { TrainableModel } from "@rnnlm/core";
import { disposeState, parseModelSpec, parseTrainingOptions, SeededRandom } from "@rnnlm/core";
import { describe, expect, it } from "vitest";
import { tfjsBackend } from "../src/index.js";

// A tiny corpus with structure a small model can learn: sentences drawn from a few words.
const words = ["the", "time", "traveller", "said", "machine", "was", "a", "small", "thing", "and"];
const rng = new SeededRandom(1);
let text = "";
while (text.length < 3000) text += `${words[rng.int(0, words.length - 1)]} `;
const alphabet = [...new Set(text)].sort();
const ids = Int32Array.from(text, (ch) => alphabet.indexOf(ch));
const V = alphabet.length;
const T = 20;
const B = 16;

/** d2l sequential partitioning (offset 0): B rows, windows of T, time-major. */
function* sequential() {
  const n = Math.floor((ids.length - 1) / B) * B;
  const cols = n / B;
  for (let start = 0; start + T <= cols; start += T) {
    const x = new Int32Array(T * B);
    const y = new Int32Array(T * B);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        x[t * B + b] = ids[b * cols + start + t];
        y[t * B + b] = ids[b * cols + start + t + 1];
      }
    }
    yield { x, y, steps: T, batch: B };
  }
}

/** d2l random sampling: shuffled subsequences, state reset for every batch. */
function* randomSampling(r: SeededRandom) {
  const starts = Array.from({ length: Math.floor((ids.length - 1) / T) }, (_, i) => i * T);
  r.shuffle(starts);
  for (let i = 0; i + B <= starts.length; i += B) {
    const x = new Int32Array(T * B);
    const y = new Int32Array(T * B);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        x[t * B + b] = ids[starts[i + b] + t];
        y[t * B + b] = ids[starts[i + b] + t + 1];
      }
    }
    yield { x, y, steps: T, batch: B };
  }
}

async function train(carry: boolean): Promise<{ untrained: number; trained: number }> {
  const rt = await tfjsBackend.init("wasm");
  const spec = parseModelSpec({ cell: "gru", vocabSize: V, hiddenSize: 32 });
  const training = parseTrainingOptions({ optimizer: { type: "adam", lr: 0.01 }, clip: 1 });
  const m = (await rt.createTrainableModel?.(spec, { seed: 3, training })) as TrainableModel;
  const r = new SeededRandom(5);
  let untrained = Number.NaN;
  let perplexity = Number.NaN;
  for (let epoch = 0; epoch < 12; epoch++) {
    let total = 0;
    let count = 0;
    let state = m.beginState(B);
    for (const batch of carry ? sequential() : randomSampling(r)) {
      if (!carry) {
        disposeState(state);
        state = m.beginState(B);
      }
      const step = await m.trainStep(batch, state);
      disposeState(state);
      state = step.state;
      total += step.loss;
      count += 1;
      if (Number.isNaN(untrained)) untrained = Math.exp(step.loss);
    }
    disposeState(state);
    perplexity = Math.exp(total / count);
  }
  m.dispose();
  return { untrained, trained: perplexity };
}

describe("short training run (tfjs:wasm, GRU H 32, ~3,000 characters)", () => {
  for (const carry of [true, false]) {
    it(`${carry ? "sequential (state carried)" : "random sampling (state reset)"}: perplexity falls far below an untrained model's`, async () => {
      const { untrained, trained } = await train(carry);
      // An untrained model is near uniform: perplexity ≈ vocabulary size (here 20).
      expect(untrained).toBeGreaterThan(0.8 * V);
      // The words are drawn uniformly from 10, so a model that learned spelling sits near 2–3.
      expect(trained).toBeLessThan(4);
    });
  }
});

describe("RMSprop state on tfjs:wasm", () => {
  it("saves square_avg buffers and resumes to the same weights", async () => {
    const rt = await tfjsBackend.init("wasm");
    const spec = parseModelSpec({ cell: "lstm", vocabSize: V, hiddenSize: 8, numLayers: 2 });
    const training = parseTrainingOptions({ optimizer: { type: "rmsprop", lr: 0.002, alpha: 0.95 }, clip: 5 });
    const a = (await rt.createTrainableModel?.(spec, { seed: 3, training })) as TrainableModel;
    const batches = [...sequential()].slice(0, 3);
    const run = async (m: TrainableModel, batch: (typeof batches)[number]) => {
      const state = m.beginState(B);
      const step = await m.trainStep(batch, state);
      disposeState(state);
      disposeState(step.state);
      return step.loss;
    };
    await run(a, batches[0]);
    await run(a, batches[1]);
    const weights = await a.getWeights();
    const optimizer = await a.getOptimizerState();
    expect(Object.keys(optimizer).every((k) => k.startsWith("square_avg."))).toBe(true);
    const b = (await rt.createTrainableModel?.(spec, { seed: 3, training, weights })) as TrainableModel;
    await b.setOptimizerState(optimizer);
    expect(await run(b, batches[2])).toBe(await run(a, batches[2]));
    const [wa, wb] = [await a.getWeights(), await b.getWeights()];
    for (const name of Object.keys(wa)) expect([...wb[name].data]).toEqual([...wa[name].data]);
    a.dispose();
    b.dispose();
  });
});
