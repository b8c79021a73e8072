import { describe, expect, it } from "vitest";
import { batchify } from "../src/batchify.js";

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("batchify", () => {
  it("lays 0..10 out as 2 columns of 5, dropping the remainder (hand-computed)", () => {
    // column 0 = 0..4, column 1 = 5..9, token 10 dropped; rows [0,5] [1,6] [2,7] [3,8] [4,9]
    expect([...batchify(range(11), 2)]).toEqual([0, 5, 1, 6, 2, 7, 3, 8, 4, 9]);
  });

  it("lays 0..9 out as 3 columns of 3 (hand-computed)", () => {
    expect([...batchify(range(10), 3)]).toEqual([0, 3, 6, 1, 4, 7, 2, 5, 8]);
  });

  it("keeps values, not positions", () => {
    expect([...batchify([10, 11, 12, 13], 2)]).toEqual([10, 12, 11, 13]);
  });

  it("is empty when the stream is shorter than one row", () => {
    expect(batchify([1, 2], 3).length).toBe(0);
  });
});
