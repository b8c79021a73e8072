import { describe, expect, it } from "vitest";
import {
  canonicalWeightShapes,
  initWeights,
  parameterCount,
  parameterNames,
  parseModelSpec,
  parseTrainingOptions,
  SeededRandom,
  SpecError,
  validateWeights,
} from "../src/index.js";

describe("model spec", () => {
  it("fills defaults", () => {
    expect(parseModelSpec({ cell: "lstm", vocabSize: 28, hiddenSize: 256 })).toEqual({
      cell: "lstm",
      vocabSize: 28,
      hiddenSize: 256,
      numLayers: 1,
      embeddingSize: null,
      dropout: { input: 0, between: 0, output: 0 },
      tied: false,
      init: "pytorch",
    });
  });

  it("names the offending field", () => {
    expect(() => parseModelSpec({ cell: "transformer", vocabSize: 28, hiddenSize: 8 })).toThrow(/cell:/);
    expect(() => parseModelSpec({ cell: "gru", vocabSize: 0, hiddenSize: 8 })).toThrow(/vocabSize:/);
    expect(() => parseModelSpec({ cell: "gru", vocabSize: 5, hiddenSize: 8, dropout: { between: 1 } })).toThrow(
      /dropout\.between:/,
    );
    expect(() => parseModelSpec({ cell: "gru", vocabSize: 5, hiddenSize: 8, tied: true })).toThrow(
      /tied: .*learned embedding/,
    );
    expect(() => parseModelSpec({ cell: "gru", vocabSize: 5, hiddenSize: 8, embeddingSize: 4, tied: true })).toThrow(
      /tied: .*embeddingSize \(4\) = hiddenSize \(8\)/,
    );
    expect(() => parseModelSpec({ cell: "gru", vocabSize: 5, hiddenSize: 8, hidden: 3 })).toThrow(SpecError);
    expect(() => parseTrainingOptions({ optimizer: { type: "sgd", lr: -1 } })).toThrow(/optimizer\.lr/);
  });
});

describe("canonical weights", () => {
  it("uses PyTorch word_language_model names, shapes and order", () => {
    const spec = parseModelSpec({ cell: "lstm", vocabSize: 10, hiddenSize: 4, embeddingSize: 3, numLayers: 2 });
    expect(canonicalWeightShapes(spec)).toEqual([
      ["encoder.weight", [10, 3]],
      ["rnn.weight_ih_l0", [16, 3]],
      ["rnn.weight_hh_l0", [16, 4]],
      ["rnn.bias_ih_l0", [16]],
      ["rnn.bias_hh_l0", [16]],
      ["rnn.weight_ih_l1", [16, 4]],
      ["rnn.weight_hh_l1", [16, 4]],
      ["rnn.bias_ih_l1", [16]],
      ["rnn.bias_hh_l1", [16]],
      ["decoder.weight", [10, 4]],
      ["decoder.bias", [10]],
    ]);
    const oneHot = parseModelSpec({ cell: "gru", vocabSize: 28, hiddenSize: 5 });
    expect(canonicalWeightShapes(oneHot)[0]).toEqual(["rnn.weight_ih_l0", [15, 28]]);
    // d2l RNN with H = 256 over 28 characters: 28·256 + 256·256 + 2·256 + 256·28 + 28.
    expect(parameterCount(parseModelSpec({ cell: "rnn_tanh", vocabSize: 28, hiddenSize: 256 }))).toBe(
      28 * 256 + 256 * 256 + 2 * 256 + 256 * 28 + 28,
    );
  });

  it("counts a tied matrix once and writes both keys", () => {
    const spec = parseModelSpec({ cell: "rnn_relu", vocabSize: 6, hiddenSize: 4, embeddingSize: 4, tied: true });
    expect(parameterNames(spec)).not.toContain("decoder.weight");
    const w = initWeights(spec, new SeededRandom(3));
    expect(Array.from(w["decoder.weight"].data)).toEqual(Array.from(w["encoder.weight"].data));
    validateWeights(spec, w);
    const broken = { ...w, "decoder.weight": { shape: [6, 4], data: new Float32Array(24) } };
    expect(() => validateWeights(spec, broken)).toThrow(/decoder\.weight differs/);
  });

  it("draws each init scheme with its distribution", () => {
    const stats = (a: ArrayLike<number>) => {
      let s = 0;
      let s2 = 0;
      let max = 0;
      for (let i = 0; i < a.length; i++) {
        s += a[i];
        s2 += a[i] * a[i];
        max = Math.max(max, Math.abs(a[i]));
      }
      return { mean: s / a.length, std: Math.sqrt(s2 / a.length - (s / a.length) ** 2), max };
    };
    const base = { cell: "lstm", vocabSize: 50, hiddenSize: 64, embeddingSize: 32 } as const;
    const d2l = initWeights(parseModelSpec({ ...base, init: "d2l" }), new SeededRandom(1));
    expect(stats(d2l["rnn.weight_hh_l0"].data).std).toBeCloseTo(0.01, 3);
    expect(stats(d2l["rnn.bias_ih_l0"].data).max).toBe(0);
    const torch = initWeights(parseModelSpec(base), new SeededRandom(1));
    const hh = stats(torch["rnn.weight_hh_l0"].data);
    expect(hh.max).toBeLessThanOrEqual(1 / 8);
    // U(−b, b) has standard deviation b/√3.
    expect(hh.std).toBeCloseTo(1 / 8 / Math.sqrt(3), 2);
    expect(stats(torch["encoder.weight"].data).std).toBeCloseTo(1, 1);
    const wordLm = initWeights(parseModelSpec({ ...base, init: "word-lm" }), new SeededRandom(1));
    expect(stats(wordLm["encoder.weight"].data).max).toBeLessThanOrEqual(0.1);
    expect(stats(wordLm["decoder.bias"].data).max).toBe(0);
    // Same seed, same weights.
    expect(initWeights(parseModelSpec(base), new SeededRandom(1))["rnn.weight_ih_l0"].data).toEqual(
      torch["rnn.weight_ih_l0"].data,
    );
  });

  it("reports shape problems by name", () => {
    const spec = parseModelSpec({ cell: "gru", vocabSize: 5, hiddenSize: 2 });
    const w = initWeights(spec, new SeededRandom(0));
    expect(() =>
      validateWeights(spec, { ...w, "rnn.weight_hh_l0": { shape: [6, 3], data: new Float32Array(18) } }),
    ).toThrow(/"rnn\.weight_hh_l0" has shape \[6, 3\], expected \[6, 2\]/);
    const { "decoder.bias": _, ...missing } = w;
    expect(() => validateWeights(spec, missing)).toThrow(/missing weight "decoder\.bias"/);
  });
});

describe("SeededRandom", () => {
  it("restores its state exactly", () => {
    const a = new SeededRandom(9);
    a.normal();
    const saved = a.getState();
    const next = [a.uniform(), a.normal(), a.int(0, 10)];
    const b = SeededRandom.fromState(JSON.parse(JSON.stringify(saved)));
    expect([b.uniform(), b.normal(), b.int(0, 10)]).toEqual(next);
  });
});
