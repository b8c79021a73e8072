import { describe, expect, it } from "vitest";
import { SeededRandom } from "../src/index.js";

describe("SeededRandom.uniforms", () => {
  it("draws exactly what as many uniform() calls would, and leaves the same state", () => {
    for (const seed of [0, 1, -7, 123456789]) {
      const bulk = new SeededRandom(seed);
      const one = new SeededRandom(seed);
      one.normal(); // a spare normal pending must not matter to uniform draws
      bulk.normal();
      for (const n of [0, 1, 5, 1000]) {
        const got = bulk.uniforms(n);
        expect(Array.from(got)).toEqual(Array.from({ length: n }, () => one.uniform()));
      }
      expect(bulk.getState()).toEqual(one.getState());
      expect(bulk.int(0, 1000)).toBe(one.int(0, 1000));
      expect(bulk.normal()).toBe(one.normal());
    }
  });

  it("stays in [0, 1) with the mean of a uniform", () => {
    const u = new SeededRandom(3).uniforms(100_000);
    expect(u.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = u.reduce((a, b) => a + b, 0) / u.length;
    // Standard error of the mean of 1e5 uniforms is ~0.0009.
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.004);
  });
});
