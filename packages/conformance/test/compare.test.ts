import { describe, expect, it } from "vitest";
import { compareArrays, describeComparison, expectClose } from "../src/index.js";

describe("compareArrays", () => {
  it("is the relative error per element, floored at 0.1 × the largest |expected|", () => {
    // largest |b| = 10 → floor 1; errors: |1.1−1|/1 = 0.1, |10.5−10|/10 = 0.05, |0.01−0|/1 = 0.01
    const c = compareArrays([1.1, 10.5, 0.01], [1, 10, 0]);
    expect(c.floor).toBe(1);
    expect(c.maxError).toBeCloseTo(0.1, 12);
    expect(c.index).toBe(0);
    expect(c.actual).toBe(1.1);
    expect(c.expected).toBe(1);
  });

  it("takes the floor fraction and absolute floor as options", () => {
    expect(compareArrays([0.2], [0.1], { floorFraction: 1e-3 }).maxError).toBeCloseTo(1, 12);
    expect(compareArrays([1e-9], [0]).maxError).toBeCloseTo(1e3, 6); // floor 1e-12
    expect(compareArrays([1e-9], [0], { absoluteFloor: 1e-6 }).maxError).toBeCloseTo(1e-3, 12);
  });

  it("treats NaN and infinities as infinitely wrong, and refuses different lengths", () => {
    expect(compareArrays([1, Number.NaN], [1, 1]).maxError).toBe(Number.POSITIVE_INFINITY);
    expect(compareArrays([Number.POSITIVE_INFINITY], [1]).index).toBe(0);
    expect(() => compareArrays([1], [1, 2])).toThrow(/1 values with 2 expected/);
  });

  it("names the worst element with its coordinates on failure", () => {
    const line = describeComparison("logits", compareArrays([0, 0, 0, 5], [0, 0, 0, 4]), 1e-5, [2, 2]);
    expect(line).toContain("logits: max relative error 2.500e-1");
    expect(line).toContain("worst element [1, 1] of 4: actual 5, expected 4");
    expect(() => expectClose("w", [1, 2], [1, 2.1], 1e-3, { shape: [2] })).toThrow(
      /w: max relative error .* worst element \[1\]/,
    );
    expect(expectClose("w", [1, 2], [1, 2], 0).maxError).toBe(0);
  });
});
