import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BpttWindows } from "../src/bptt-windows.js";
import type { TokenBatch } from "../src/token-batch.js";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const plain = (b: TokenBatch) => ({ x: [...b.x], y: [...b.y], shape: [...b.shape], layout: b.layout });

describe("BpttWindows (hand-computed windows on ids = positions)", () => {
  // 0..10, B = 2 → rows [0,5] [1,6] [2,7] [3,8] [4,9] (5 rows)
  it("bptt 2: i = 0, 2 → two full windows", () => {
    const w = new BpttWindows(range(11), { batchSize: 2, bptt: 2 });
    expect(w.rows).toBe(5);
    expect(w.countBatches(0)).toBe(2);
    expect([...w.epoch(0)].map(plain)).toEqual([
      { x: [0, 5, 1, 6], y: [1, 6, 2, 7], shape: [2, 2], layout: "time-major" },
      { x: [2, 7, 3, 8], y: [3, 8, 4, 9], shape: [2, 2], layout: "time-major" },
    ]);
  });

  it("bptt 3: the last window is shorter (L = min(3, 5-1-3) = 1)", () => {
    const w = new BpttWindows(range(11), { batchSize: 2, bptt: 3 });
    expect(w.countBatches(0)).toBe(2);
    expect([...w.epoch(0)].map(plain)).toEqual([
      { x: [0, 5, 1, 6, 2, 7], y: [1, 6, 2, 7, 3, 8], shape: [3, 2], layout: "time-major" },
      { x: [3, 8], y: [4, 9], shape: [1, 2], layout: "time-major" },
    ]);
  });

  it("bptt longer than the stream: one window of rows-1 steps", () => {
    const w = new BpttWindows(range(11), { batchSize: 2, bptt: 10 });
    expect([...w.epoch(0)].map(plain)).toEqual([
      { x: [0, 5, 1, 6, 2, 7, 3, 8], y: [1, 6, 2, 7, 3, 8, 4, 9], shape: [4, 2], layout: "time-major" },
    ]);
  });

  it("bptt 1 on 0..9 with B = 3: rows [0,3,6] [1,4,7] [2,5,8]", () => {
    const w = new BpttWindows(range(10), { batchSize: 3, bptt: 1 });
    expect([...w.epoch(0)].map(plain)).toEqual([
      { x: [0, 3, 6], y: [1, 4, 7], shape: [1, 3], layout: "time-major" },
      { x: [1, 4, 7], y: [2, 5, 8], shape: [1, 3], layout: "time-major" },
    ]);
  });

  it("the smallest corpus (2·B tokens) gives one window of one step", () => {
    const w = new BpttWindows(range(4), { batchSize: 2, bptt: 5 });
    expect([...w.epoch(3)].map(plain)).toEqual([{ x: [0, 2], y: [1, 3], shape: [1, 2], layout: "time-major" }]);
  });

  it("is the same every epoch and can be iterated twice", () => {
    const w = new BpttWindows(range(50), { batchSize: 3, bptt: 4 });
    const e = w.epoch(0);
    expect([...e].map(plain)).toEqual([...e].map(plain));
    expect([...w.epoch(7)].map(plain)).toEqual([...w.epoch(0)].map(plain));
    expect(w.carriesState).toBe(true);
  });
});

describe("BpttWindows properties", () => {
  const arb = fc
    .record({ b: fc.integer({ min: 1, max: 8 }), bptt: fc.integer({ min: 1, max: 12 }), extra: fc.nat(200) })
    .map(({ b, bptt, extra }) => ({ b, bptt, n: 2 * b + extra }));

  it("y is x shifted by one, columns continue each other, every row of the matrix is used once", () => {
    fc.assert(
      fc.property(arb, ({ b, bptt, n }) => {
        const w = new BpttWindows(range(n), { batchSize: b, bptt });
        const rows = Math.floor(n / b);
        const batches = [...w.epoch(0)];
        expect(batches.length).toBe(w.countBatches(0));
        let step = 0;
        for (const batch of batches) {
          const [len, cols] = batch.shape;
          expect(cols).toBe(b);
          expect(len).toBeLessThanOrEqual(bptt);
          for (let t = 0; t < len; t++) {
            for (let j = 0; j < b; j++) {
              // ids are positions: column j holds j·rows + (global step)
              expect(batch.x[t * b + j]).toBe(j * rows + step + t);
              expect(batch.y[t * b + j]).toBe(batch.x[t * b + j] + 1);
            }
          }
          step += len;
        }
        expect(step).toBe(rows - 1);
      }),
    );
  });

  it("on any corpus, batches are the corpus read at the positions the position corpus gives", () => {
    fc.assert(
      fc.property(arb, fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 500, maxLength: 500 }), (p, vals) => {
        const n = Math.min(p.n, vals.length);
        if (n < 2 * p.b) return;
        const pos = [...new BpttWindows(range(n), { batchSize: p.b, bptt: p.bptt }).epoch(0)];
        const got = [...new BpttWindows(vals.slice(0, n), { batchSize: p.b, bptt: p.bptt }).epoch(0)];
        expect(got.map((g) => [...g.x])).toEqual(pos.map((q) => [...q.x].map((i) => vals[i])));
        expect(got.map((g) => [...g.y])).toEqual(pos.map((q) => [...q.y].map((i) => vals[i])));
      }),
    );
  });
});
