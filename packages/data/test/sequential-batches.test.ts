import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SequentialBatches } from "../src/sequential-batches.js";
import type { TokenBatch } from "../src/token-batch.js";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const rows = (b: TokenBatch): number[][] => {
  const [r, c] = b.shape;
  return Array.from({ length: r }, (_, i) => [...b.x.subarray(i * c, (i + 1) * c)]);
};
const yRows = (b: TokenBatch): number[][] => {
  const [r, c] = b.shape;
  return Array.from({ length: r }, (_, i) => [...b.y.subarray(i * c, (i + 1) * c)]);
};

/**
 * Corpus 0..19, B = 2, T = 3, by hand for every offset k in [0, 3]:
 * columns = ⌊(20 - k - 1) / 2⌋, X rows = k.., k+columns.., batches = ⌊columns / 3⌋.
 */
const EXPECTED: Record<number, { x: number[][][]; y: number[][][] }> = {
  // columns 9: rows 0..8 and 9..17
  0: {
    x: [
      [
        [0, 1, 2],
        [9, 10, 11],
      ],
      [
        [3, 4, 5],
        [12, 13, 14],
      ],
      [
        [6, 7, 8],
        [15, 16, 17],
      ],
    ],
    y: [
      [
        [1, 2, 3],
        [10, 11, 12],
      ],
      [
        [4, 5, 6],
        [13, 14, 15],
      ],
      [
        [7, 8, 9],
        [16, 17, 18],
      ],
    ],
  },
  // columns 9: rows 1..9 and 10..18 (the last target is 19, the corpus's last token)
  1: {
    x: [
      [
        [1, 2, 3],
        [10, 11, 12],
      ],
      [
        [4, 5, 6],
        [13, 14, 15],
      ],
      [
        [7, 8, 9],
        [16, 17, 18],
      ],
    ],
    y: [
      [
        [2, 3, 4],
        [11, 12, 13],
      ],
      [
        [5, 6, 7],
        [14, 15, 16],
      ],
      [
        [8, 9, 10],
        [17, 18, 19],
      ],
    ],
  },
  // columns 8: rows 2..9 and 10..17; two whole windows, columns 6..7 dropped
  2: {
    x: [
      [
        [2, 3, 4],
        [10, 11, 12],
      ],
      [
        [5, 6, 7],
        [13, 14, 15],
      ],
    ],
    y: [
      [
        [3, 4, 5],
        [11, 12, 13],
      ],
      [
        [6, 7, 8],
        [14, 15, 16],
      ],
    ],
  },
  // columns 8: rows 3..10 and 11..18
  3: {
    x: [
      [
        [3, 4, 5],
        [11, 12, 13],
      ],
      [
        [6, 7, 8],
        [14, 15, 16],
      ],
    ],
    y: [
      [
        [4, 5, 6],
        [12, 13, 14],
      ],
      [
        [7, 8, 9],
        [15, 16, 17],
      ],
    ],
  },
};

describe("SequentialBatches (hand-computed, corpus 0..19, B = 2, T = 3)", () => {
  const it20 = new SequentialBatches(range(20), { batchSize: 2, numSteps: 3, seed: 42 });

  it("draws every offset in [0, T] inclusive, and only those", () => {
    const seen = new Set<number>();
    for (let e = 0; e < 200; e++) seen.add(it20.offset(e));
    expect([...seen].sort()).toEqual([0, 1, 2, 3]);
  });

  for (const k of [0, 1, 2, 3]) {
    it(`offset ${k}: every window`, () => {
      const e = range(1000).find((ep) => it20.offset(ep) === k);
      if (e === undefined) throw new Error(`no epoch in 0..999 draws offset ${k}`);
      const batches = [...it20.epoch(e)];
      expect(it20.countBatches(e)).toBe(EXPECTED[k].x.length);
      expect(batches.map(rows)).toEqual(EXPECTED[k].x);
      expect(batches.map(yRows)).toEqual(EXPECTED[k].y);
      for (const b of batches) {
        expect(b.shape).toEqual([2, 3]);
        expect(b.layout).toBe("batch-major");
      }
    });
  }

  it("carries the state", () => {
    expect(it20.carriesState).toBe(true);
  });

  it("numSteps 1 uses offsets 0 and 1", () => {
    const s = new SequentialBatches(range(5), { batchSize: 2, numSteps: 1, seed: 1 });
    const seen = new Map<number, number[][][]>();
    for (let e = 0; e < 100; e++) seen.set(s.offset(e), [...s.epoch(e)].map(rows));
    // k = 0: columns ⌊4/2⌋ = 2, rows 0..1 and 2..3; k = 1: columns ⌊3/2⌋ = 1, rows 1 and 2
    expect(seen.get(0)).toEqual([
      [[0], [2]],
      [[1], [3]],
    ]);
    expect(seen.get(1)).toEqual([[[1], [2]]]);
    expect(seen.size).toBe(2);
  });
});

describe("SequentialBatches properties", () => {
  const arb = fc
    .record({
      b: fc.integer({ min: 1, max: 6 }),
      t: fc.integer({ min: 1, max: 10 }),
      extra: fc.nat(150),
      seed: fc.integer(),
      e: fc.nat(1000),
    })
    .map((p) => ({ ...p, n: p.b * p.t + p.t + 1 + p.extra }));

  it("y is x shifted by one; row i of batch j+1 continues row i of batch j; deterministic in (seed, e)", () => {
    fc.assert(
      fc.property(arb, ({ b, t, n, seed, e }) => {
        const s = new SequentialBatches(range(n), { batchSize: b, numSteps: t, seed });
        const batches = [...s.epoch(e)];
        expect(batches.length).toBe(s.countBatches(e));
        expect(batches.length).toBeGreaterThan(0);
        const k = s.offset(e);
        expect(batches[0].x[0]).toBe(k);
        for (let j = 0; j < batches.length; j++) {
          const { x, y } = batches[j];
          for (let i = 0; i < b * t; i++) expect(y[i]).toBe(x[i] + 1);
          for (let r = 0; r < b; r++) {
            for (let c = 1; c < t; c++) expect(x[r * t + c]).toBe(x[r * t + c - 1] + 1);
            if (j > 0) expect(x[r * t]).toBe(batches[j - 1].x[r * t + t - 1] + 1);
          }
        }
        const again = new SequentialBatches(range(n), { batchSize: b, numSteps: t, seed });
        expect([...again.epoch(e)].map((q) => [...q.x])).toEqual(batches.map((q) => [...q.x]));
      }),
    );
  });

  it("on any corpus, batches are the corpus read at the positions the position corpus gives", () => {
    fc.assert(
      fc.property(arb, fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 300, maxLength: 300 }), (p, vals) => {
        const n = Math.min(p.n, vals.length);
        if (n < p.b * p.t + p.t + 1) return;
        const opts = { batchSize: p.b, numSteps: p.t, seed: p.seed };
        const pos = [...new SequentialBatches(range(n), opts).epoch(p.e)];
        const got = [...new SequentialBatches(Int32Array.from(vals.slice(0, n)), opts).epoch(p.e)];
        expect(got.map((g) => [...g.y])).toEqual(pos.map((q) => [...q.y].map((i) => vals[i])));
        expect(got.map((g) => [...g.x])).toEqual(pos.map((q) => [...q.x].map((i) => vals[i])));
      }),
    );
  });
});
