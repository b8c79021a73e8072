import { describe, expect, it } from "vitest";
import { drawDropoutMasks, hasDropout, noDropout } from "../src/backend.js";
import { parseModelSpec, SeededRandom } from "../src/index.js";

describe("dropout masks", () => {
  const spec = parseModelSpec({
    cell: "gru",
    vocabSize: 11,
    hiddenSize: 6,
    numLayers: 3,
    dropout: { input: 0.2, between: 0.5, output: 0.3 },
  });

  it("draws input, between layers, then output, from the seed alone", () => {
    const a = drawDropoutMasks(spec, 4, 5, new SeededRandom(2));
    const b = drawDropoutMasks(spec, 4, 5, new SeededRandom(2), "float64");
    expect(a.input).toHaveLength(4 * 5 * 11);
    expect(a.between.map((m) => m?.length)).toEqual([120, 120]);
    expect(a.output).toHaveLength(120);
    // Same draws at both precisions; kept values are 1/(1 − p) rounded to each precision.
    expect(Array.from(a.output!, (v) => v > 0)).toEqual(Array.from(b.output!, (v) => v > 0));
    expect(b.between[0]!.filter((v) => v > 0).every((v) => v === 2)).toBe(true);
    expect(a.input!.filter((v) => v > 0).every((v) => v === Math.fround(1 / 0.8))).toBe(true);
    // The order is fixed: the output mask is what a generator yields after the earlier masks.
    const rng = new SeededRandom(2);
    for (let i = 0; i < 220 + 240; i++) rng.uniform();
    expect(Array.from(b.output!, (v) => v > 0)).toEqual(Array.from({ length: 120 }, () => rng.uniform() >= 0.3));
  });

  it("drops about p of the units", () => {
    const big = parseModelSpec({ cell: "rnn_tanh", vocabSize: 5, hiddenSize: 100, dropout: { output: 0.3 } });
    const { output } = drawDropoutMasks(big, 50, 20, new SeededRandom(1));
    const dropped = output!.filter((v) => v === 0).length / output!.length;
    // 100,000 draws: four standard deviations of the proportion is about 0.006.
    expect(Math.abs(dropped - 0.3)).toBeLessThan(0.006);
  });

  it("knows when a spec drops nothing", () => {
    expect(hasDropout(spec)).toBe(true);
    expect(hasDropout(parseModelSpec({ cell: "lstm", vocabSize: 3, hiddenSize: 2, dropout: { between: 0.5 } }))).toBe(
      false,
    );
    expect(noDropout(spec).between).toEqual([null, null]);
  });
});
