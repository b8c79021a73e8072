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

describe("SeededRandom.bernoulliMask", () => {
  it("is 0 where uniform() < p and `value` elsewhere, for the same draws and the same state after", () => {
    for (const [p, value] of [
      [0.3, 1 / 0.7],
      [0, 2],
      [0.999, 1000],
    ]) {
      const bulk = new SeededRandom(11);
      const one = new SeededRandom(11);
      for (const out of [new Float32Array(777), new Float64Array(333), new Float32Array(0)]) {
        bulk.bernoulliMask(out, p, value);
        const expected = Array.from(out, () => (one.uniform() < p ? 0 : Math.fround(value)));
        const got = Array.from(out, (v) => (out instanceof Float32Array ? v : Math.fround(v)));
        expect(got).toEqual(expected);
      }
      expect(bulk.getState()).toEqual(one.getState());
    }
  });

  it("keeps about 1 − p of the units", () => {
    const out = new Float32Array(100_000);
    new SeededRandom(5).bernoulliMask(out, 0.25, 1);
    const kept = out.reduce((a, b) => a + b, 0) / out.length;
    // Standard error ~0.0014.
    expect(Math.abs(kept - 0.75)).toBeLessThan(0.007);
  });

  it("rejects p outside [0, 1)", () => {
    const out = new Float32Array(3);
    expect(() => new SeededRandom(1).bernoulliMask(out, 1, 1)).toThrow(/p must be in \[0, 1\)/);
    expect(() => new SeededRandom(1).bernoulliMask(out, Number.NaN, 1)).toThrow(RangeError);
  });
});
