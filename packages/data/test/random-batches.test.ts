import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RandomBatches } from "../src/random-batches.js";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/**
 * Corpus 0..19, B = 2, T = 3, by hand for every offset k in [0, 2]:
 * subsequences ⌊(20 - k - 1) / 3⌋ starting at k, k+3, …; batches ⌊count / 2⌋.
 */
const STARTS: Record<number, number[]> = {
  0: [0, 3, 6, 9, 12, 15], // 6 subsequences → 3 batches, all used
  1: [1, 4, 7, 10, 13, 16], // 6 → 3 batches; the last target is 19
  2: [2, 5, 8, 11, 14], // 5 → 2 batches, one subsequence left out
};
const BATCHES: Record<number, number> = { 0: 3, 1: 3, 2: 2 };

describe("RandomBatches (hand-computed, corpus 0..19, B = 2, T = 3)", () => {
  const r = new RandomBatches(range(20), { batchSize: 2, numSteps: 3, seed: 7 });

  it("draws every offset in [0, T-1], and only those", () => {
    const seen = new Set<number>();
    for (let e = 0; e < 200; e++) seen.add(r.offset(e));
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  for (const k of [0, 1, 2]) {
    it(`offset ${k}: every subsequence is [s, s+1, s+2] → [s+1, s+2, s+3], starts drawn without repeats`, () => {
      const leftOut = new Set<number>();
      for (let e = 0; e < 400; e++) {
        if (r.offset(e) !== k) continue;
        const batches = [...r.epoch(e)];
        expect(batches.length).toBe(BATCHES[k]);
        expect(r.countBatches(e)).toBe(BATCHES[k]);
        const starts: number[] = [];
        for (const b of batches) {
          expect(b.shape).toEqual([2, 3]);
          expect(b.layout).toBe("batch-major");
          for (let row = 0; row < 2; row++) {
            const s = b.x[row * 3];
            expect([...b.x.subarray(row * 3, row * 3 + 3)]).toEqual([s, s + 1, s + 2]);
            expect([...b.y.subarray(row * 3, row * 3 + 3)]).toEqual([s + 1, s + 2, s + 3]);
            starts.push(s);
          }
        }
        expect(new Set(starts).size).toBe(starts.length);
        for (const s of starts) expect(STARTS[k]).toContain(s);
        for (const s of STARTS[k]) if (!starts.includes(s)) leftOut.add(s);
      }
      // with 5 subsequences and 2 batches, the one left out varies with the shuffle
      if (k === 2) expect(leftOut.size).toBeGreaterThan(1);
      else expect(leftOut.size).toBe(0);
    });
  }

  it("shuffles: the order of starts changes between epochs, but not between runs", () => {
    const firstStarts = (e: number) => [...r.epoch(e)].map((b) => b.x[0]);
    const orders = new Set<string>();
    for (let e = 0; e < 30; e++) orders.add(JSON.stringify(firstStarts(e)));
    expect(orders.size).toBeGreaterThan(5);
    const again = new RandomBatches(range(20), { batchSize: 2, numSteps: 3, seed: 7 });
    expect([...again.epoch(11)].map((b) => [...b.x])).toEqual([...r.epoch(11)].map((b) => [...b.x]));
    const otherSeed = new RandomBatches(range(20), { batchSize: 2, numSteps: 3, seed: 8 });
    const differs = range(10).some(
      (e) =>
        JSON.stringify([...otherSeed.epoch(e)].map((b) => [...b.x])) !==
        JSON.stringify([...r.epoch(e)].map((b) => [...b.x])),
    );
    expect(differs).toBe(true);
  });

  it("does not carry the state", () => {
    expect(r.carriesState).toBe(false);
  });

  it("numSteps 1 always uses offset 0", () => {
    const one = new RandomBatches(range(6), { batchSize: 2, numSteps: 1, seed: 3 });
    for (let e = 0; e < 20; e++) {
      expect(one.offset(e)).toBe(0);
      // ⌊5/1⌋ = 5 subsequences → 2 batches
      expect(one.countBatches(e)).toBe(2);
    }
  });
});

describe("RandomBatches properties", () => {
  const arb = fc
    .record({
      b: fc.integer({ min: 1, max: 6 }),
      t: fc.integer({ min: 1, max: 10 }),
      extra: fc.nat(150),
      seed: fc.integer(),
      e: fc.nat(1000),
    })
    .map((p) => ({ ...p, n: p.b * p.t + p.t + p.extra }));

  it("y is x shifted by one, rows are contiguous, starts are k + multiples of T without repeats", () => {
    fc.assert(
      fc.property(arb, ({ b, t, n, seed, e }) => {
        const r = new RandomBatches(range(n), { batchSize: b, numSteps: t, seed });
        const k = r.offset(e);
        const batches = [...r.epoch(e)];
        expect(batches.length).toBe(r.countBatches(e));
        expect(batches.length).toBe(Math.floor(Math.floor((n - k - 1) / t) / b));
        expect(batches.length).toBeGreaterThan(0);
        const starts = new Set<number>();
        for (const { x, y } of batches) {
          for (let i = 0; i < b * t; i++) expect(y[i]).toBe(x[i] + 1);
          for (let row = 0; row < b; row++) {
            const s = x[row * t];
            expect((s - k) % t).toBe(0);
            expect(s + t).toBeLessThan(n);
            for (let c = 1; c < t; c++) expect(x[row * t + c]).toBe(s + c);
            starts.add(s);
          }
        }
        expect(starts.size).toBe(batches.length * b);
      }),
    );
  });

  it("on any corpus, batches are the corpus read at the positions the position corpus gives", () => {
    fc.assert(
      fc.property(arb, fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 300, maxLength: 300 }), (p, vals) => {
        const n = Math.min(p.n, vals.length);
        if (n < p.b * p.t + p.t) return;
        const opts = { batchSize: p.b, numSteps: p.t, seed: p.seed };
        const pos = [...new RandomBatches(range(n), opts).epoch(p.e)];
        const got = [...new RandomBatches(vals.slice(0, n), opts).epoch(p.e)];
        expect(got.map((g) => [...g.x])).toEqual(pos.map((q) => [...q.x].map((i) => vals[i])));
        expect(got.map((g) => [...g.y])).toEqual(pos.map((q) => [...q.y].map((i) => vals[i])));
      }),
    );
  });
});
