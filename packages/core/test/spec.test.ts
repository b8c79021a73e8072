import { describe, expect, it } from "vitest";
import { canonicalWeightShapes, initWeights, parameterNames, validateWeights } from "../src/backend.js";
import { parameterCount, parseModelSpec, parseTrainingOptions, SeededRandom, SpecError } from "../src/index.js";

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

  it("init uniform draws every weight and bias from U(±initScale), reproducibly per seed", () => {
    for (const [tied, initScale] of [
      [false, 0.05],
      [true, undefined],
    ] as const) {
      const spec = parseModelSpec({
        cell: "lstm",
        vocabSize: 40,
        hiddenSize: 32,
        numLayers: 2,
        embeddingSize: 32,
        tied,
        init: "uniform",
        ...(initScale === undefined ? {} : { initScale }),
      });
      const bound = initScale ?? 0.1;
      const weights = initWeights(spec, new SeededRandom(3));
      const names = Object.keys(weights).sort();
      // Every canonical weight and bias is drawn (tied: the decoder is the encoder's copy).
      expect(names).toEqual(
        [
          "encoder.weight",
          "decoder.weight",
          "decoder.bias",
          ...[0, 1].flatMap((l) => ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map((w) => `rnn.${w}_l${l}`)),
        ].sort(),
      );
      for (const name of names) {
        const { data } = weights[name];
        let min = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        let sum = 0;
        let sq = 0;
        for (const v of data) {
          min = Math.min(min, v);
          max = Math.max(max, v);
          sum += v;
          sq += v * v;
        }
        expect(max, name).toBeLessThanOrEqual(bound);
        expect(min, name).toBeGreaterThanOrEqual(-bound);
        // The draws fill the interval: near both ends, centred, with U(−b, b)'s std b/√3.
        if (data.length >= 1000) {
          expect(max, name).toBeGreaterThan(0.95 * bound);
          expect(min, name).toBeLessThan(-0.95 * bound);
          expect(Math.abs(sum / data.length), name).toBeLessThan(0.05 * bound);
          expect(Math.sqrt(sq / data.length) / bound, name).toBeCloseTo(1 / Math.sqrt(3), 1);
        } else {
          expect(max - min, name).toBeGreaterThan(bound);
        }
      }
      if (tied) expect(weights["decoder.weight"].data).toEqual(weights["encoder.weight"].data);
      expect(initWeights(spec, new SeededRandom(3))).toEqual(weights);
      expect(initWeights(spec, new SeededRandom(4))["rnn.weight_hh_l1"].data).not.toEqual(
        weights["rnn.weight_hh_l1"].data,
      );
    }
  });

  it("init gluon: embedding U(±0.1), weights Xavier-uniform U(±√(6/(in+out))), biases 0", () => {
    const spec = parseModelSpec({
      cell: "rnn_relu",
      vocabSize: 300,
      hiddenSize: 100,
      numLayers: 2,
      embeddingSize: 100,
      tied: true,
      init: "gluon",
    });
    const weights = initWeights(spec, new SeededRandom(5));
    const range = (a: ArrayLike<number>) => [Math.min(...Array.from(a)), Math.max(...Array.from(a))];
    const [encMin, encMax] = range(weights["encoder.weight"].data);
    expect(encMax).toBeLessThanOrEqual(0.1);
    expect(encMax).toBeGreaterThan(0.099);
    expect(encMin).toBeLessThan(-0.099);
    // weight_hh is 100 × 100: bound √(6/200); weight_ih of layer 0 is 100 × 100 too.
    for (const name of ["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.weight_ih_l1", "rnn.weight_hh_l1"]) {
      const [min, max] = range(weights[name].data);
      expect(max, name).toBeLessThanOrEqual(Math.sqrt(6 / 200));
      expect(max, name).toBeGreaterThan(0.99 * Math.sqrt(6 / 200));
      expect(min, name).toBeLessThan(-0.99 * Math.sqrt(6 / 200));
    }
    for (const name of ["rnn.bias_ih_l0", "rnn.bias_hh_l1", "decoder.bias"]) {
      expect(range(weights[name].data), name).toEqual([0, 0]);
    }
    expect(weights["decoder.weight"].data).toEqual(weights["encoder.weight"].data);
    // An LSTM's weight_ih is (4H, in): Xavier counts the four gates in fan_out, as MXNet does.
    const lstm = initWeights(
      parseModelSpec({ cell: "lstm", vocabSize: 20, hiddenSize: 50, embeddingSize: 30, init: "gluon" }),
      new SeededRandom(5),
    );
    expect(Math.max(...lstm["rnn.weight_ih_l0"].data)).toBeLessThanOrEqual(Math.sqrt(6 / 230));
    expect(Math.max(...lstm["rnn.weight_ih_l0"].data)).toBeGreaterThan(0.98 * Math.sqrt(6 / 230));
  });

  it("accepts initScale only with init uniform", () => {
    expect(() => parseModelSpec({ cell: "gru", vocabSize: 5, hiddenSize: 2, initScale: 0.1 })).toThrow(
      /initScale applies to init "uniform" only/,
    );
    expect(() => parseModelSpec({ cell: "gru", vocabSize: 5, hiddenSize: 2, init: "uniform", initScale: 0 })).toThrow(
      /initScale/,
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
