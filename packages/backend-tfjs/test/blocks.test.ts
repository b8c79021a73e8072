import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { type BlockStrategy, Blocks, blockStrategyFor } from "../src/blocks.js";
import { tfjsBackend } from "../src/index.js";

// (rows, cols) with value 100·r + c: every element names its own position.
const rows = 6;
const cols = 5;
const positional = Float32Array.from({ length: rows * cols }, (_, i) => 100 * Math.floor(i / cols) + (i % cols));

/** The expected block, computed element by element from the positions. */
function expected(r0: number, nr: number, c0: number, nc: number): number[][] {
  return Array.from({ length: nr }, (_, r) => Array.from({ length: nc }, (_, c) => 100 * (r0 + r) + c0 + c));
}

describe("Blocks", () => {
  it("uses gather on tfjs-node only", () => {
    expect(blockStrategyFor("tensorflow")).toBe("gather");
    expect(blockStrategyFor("wasm")).toBe("host");
    expect(blockStrategyFor("cpu")).toBe("host");
  });

  for (const device of ["wasm", "cpu"]) {
    for (const strategy of ["host", "gather"] as BlockStrategy[]) {
      it(`tfjs:${device} ${strategy}: grid, rows, columns and vector blocks hold the right elements`, async () => {
        await tfjsBackend.init(device);
        const before = tf.memory().numTensors;
        tf.tidy(() => {
          const blocks = new Blocks(strategy);
          const x = tf.tensor2d(positional, [rows, cols]);
          const grid = blocks.grid(x, 3, [2, 3]);
          expect(grid.length).toBe(3);
          for (let p = 0; p < 3; p++) {
            expect(grid[p][0].shape).toEqual([2, 2]);
            expect(grid[p][0].arraySync()).toEqual(expected(2 * p, 2, 0, 2));
            expect(grid[p][1].arraySync()).toEqual(expected(2 * p, 2, 2, 3));
          }
          const byRows = blocks.splitRows(x, 2);
          expect(byRows.map((b) => b.arraySync())).toEqual([expected(0, 3, 0, 5), expected(3, 3, 0, 5)]);
          const byCols = blocks.splitCols(x, [1, 4]);
          expect(byCols.map((b) => b.arraySync())).toEqual([expected(0, 6, 0, 1), expected(0, 6, 1, 4)]);
          const ints = blocks.splitCols(tf.tensor2d([1, 2, 3, 4], [2, 2], "int32"), [1, 1]);
          expect(ints.map((b) => [b.dtype, b.dataSync()[1]])).toEqual([
            ["int32", 3],
            ["int32", 4],
          ]);
          // A vector block must serve as a fused matmul's bias (wasm wants rank 1 in storage).
          const [, bias] = blocks.splitVector(tf.tensor1d([1, 2, 3, 4, 5]), [2, 3]);
          const y = tf.fused.matMul({ a: tf.ones([1, 2]), b: tf.ones([2, 3]), bias });
          expect(y.arraySync()).toEqual([[5, 6, 7]]);
          expect(() => blocks.grid(x, 4, [5])).toThrow(/cannot cut \(6, 5\) into 4 row blocks/);
        });
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it("tfjs:wasm host: blocks stay right when making them grows the wasm heap", async () => {
    await tfjsBackend.init("wasm");
    // The Emscripten module behind the backend (its typings leave out the heap views).
    const wasm = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm;
    // A tensor as large as the heap's free space, cut into blocks that together need as much
    // again: the heap grows (and detaches every view of it) while the blocks are made.
    const heap = wasm.HEAPU8.buffer;
    const parts = 64;
    const width = 64;
    const n = Math.ceil(heap.byteLength / 4 / (parts * width)) * parts;
    const values = Float32Array.from({ length: n * width }, (_, i) => i % 1_000_003);
    tf.tidy(() => {
      const x = tf.tensor2d(values, [n, width]);
      const grown = wasm.HEAPU8.buffer;
      const blocks = new Blocks("host").grid(x, parts, [width / 2, width / 2]);
      expect(wasm.HEAPU8.buffer === heap || wasm.HEAPU8.buffer === grown).toBe(false);
      const rows = n / parts;
      for (const p of [0, parts / 2, parts - 1]) {
        for (const c of [0, 1]) {
          const block = blocks[p][c].dataSync();
          const r = rows - 1;
          expect(block[r * (width / 2) + 3]).toBe(values[(p * rows + r) * width + c * (width / 2) + 3]);
          expect(block[0]).toBe(values[p * rows * width + c * (width / 2)]);
        }
      }
    });
  });

  it("tfjs:wasm host: cuts a tensor that still lives on the cpu backend", async () => {
    await tfjsBackend.init("cpu");
    const x = tf.tensor2d(positional, [rows, cols]);
    await tfjsBackend.init("wasm");
    tf.tidy(() => {
      const [left, right] = new Blocks("host").splitCols(x, [2, 3]);
      expect(left.arraySync()).toEqual(expected(0, 6, 0, 2));
      expect(right.arraySync()).toEqual(expected(0, 6, 2, 3));
    });
    x.dispose();
  });
});
