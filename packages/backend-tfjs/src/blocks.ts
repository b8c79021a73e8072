import * as tf from "@tensorflow/tfjs-core";

/**
 * How {@link Blocks} cuts a tensor:
 * - `host`: read the tensor once (`dataSync`) and make every block a new tensor from the
 *   host copy. For tfjs-backend-wasm and -cpu, where both are memory copies: wasm's Gather
 *   kernel computes every element's position with a heap-allocated index vector (~30 ns per
 *   element: a step's gate split cost more than its matmul) and its Slice (and so
 *   split/unstack) copies the whole input to the JS heap on every call; cpu's Gather goes
 *   element by element through a TensorBuffer.
 * - `gather`: `gather` with cached index tensors, which stays on the device. For tfjs-node
 *   (CPU or CUDA), where a host round trip would stall the device.
 */
export type BlockStrategy = "host" | "gather";

/** The strategy for the active tfjs backend. */
export function blockStrategyFor(tfBackend: string): BlockStrategy {
  return tfBackend === "tensorflow" ? "gather" : "host";
}

/**
 * Row and column blocks of 2-D tensors. Create one per `tf.tidy` scope: the blocks (and the
 * `gather` strategy's index tensors) belong to that scope.
 */
export class Blocks {
  private readonly indices = new Map<string, tf.Tensor1D>();

  constructor(readonly strategy: BlockStrategy = blockStrategyFor(tf.getBackend())) {}

  /** `parts` equal row blocks. */
  splitRows(x: tf.Tensor, parts: number): tf.Tensor[] {
    return this.grid(x, parts, [x.shape[1] ?? 0]).map((row) => row[0]);
  }

  /** Column blocks of the given widths. */
  splitCols(x: tf.Tensor, widths: readonly number[]): tf.Tensor[] {
    return this.grid(x, 1, widths)[0];
  }

  /**
   * Blocks of a 1-D tensor, each its own rank-1 tensor (wasm's fused-matmul bias must be
   * rank 1 in storage: a reshaped row block is not).
   */
  splitVector(x: tf.Tensor, widths: readonly number[]): tf.Tensor1D[] {
    if (x.rank !== 1 || widths.reduce((a, b) => a + b, 0) !== x.size) {
      throw new Error(`internal: cannot cut a rank-${x.rank} tensor of ${x.size} into widths ${widths.join(",")}`);
    }
    const values = this.strategy === "host" ? (x.dataSync() as Float32Array | Int32Array) : null;
    let start = 0;
    return widths.map((w) => {
      const block =
        values === null
          ? (tf.gather(x, this.range(start, w)) as tf.Tensor1D)
          : tf.tensor1d(values.subarray(start, start + w), x.dtype);
      start += w;
      return block;
    });
  }

  /** `parts` equal row blocks, each cut into column blocks of the given widths: `[part][column block]`. */
  grid(x: tf.Tensor, parts: number, widths: readonly number[]): tf.Tensor[][] {
    const [rows, cols] = x.shape;
    if (x.rank !== 2 || rows === undefined || cols === undefined) {
      throw new Error(`internal: blocks of a rank-${x.rank} tensor`);
    }
    const size = rows / parts;
    if (!Number.isInteger(size) || widths.reduce((a, b) => a + b, 0) !== cols) {
      throw new Error(`internal: cannot cut (${rows}, ${cols}) into ${parts} row blocks of widths ${widths.join(",")}`);
    }
    return this.strategy === "host" ? hostGrid(x, size, parts, widths) : this.gatherGrid(x, size, parts, widths);
  }

  private gatherGrid(x: tf.Tensor, size: number, parts: number, widths: readonly number[]): tf.Tensor[][] {
    const rowBlocks =
      parts === 1 ? [x] : Array.from({ length: parts }, (_, p) => tf.gather(x, this.range(p * size, size), 0));
    if (widths.length === 1) return rowBlocks.map((b) => [b]);
    return rowBlocks.map((b) => {
      let start = 0;
      return widths.map((w) => {
        const block = tf.gather(b, this.range(start, w), 1);
        start += w;
        return block;
      });
    });
  }

  private range(start: number, count: number): tf.Tensor1D {
    const key = `${start}:${count}`;
    let idx = this.indices.get(key);
    if (idx === undefined) {
      idx = tf.range(start, start + count, 1, "int32") as tf.Tensor1D;
      this.indices.set(key, idx);
    }
    return idx;
  }
}

function hostGrid(x: tf.Tensor, size: number, parts: number, widths: readonly number[]): tf.Tensor[][] {
  const cols = x.shape[1] ?? 0;
  // float32 or int32: both backends hand back a typed array. The cpu backend's is its own
  // storage; blocks made from views of it are safe because tfjs kernels never write inputs.
  const values = x.dataSync() as Float32Array | Int32Array;
  const dtype = x.dtype;
  return Array.from({ length: parts }, (_, p) => {
    const first = p * size * cols;
    if (widths.length === 1) return [tf.tensor2d(values.subarray(first, first + size * cols), [size, cols], dtype)];
    let start = 0;
    return widths.map((w) => {
      const block = dtype === "int32" ? new Int32Array(size * w) : new Float32Array(size * w);
      for (let r = 0; r < size; r++) {
        const from = first + r * cols + start;
        block.set(values.subarray(from, from + w), r * w);
      }
      start += w;
      return tf.tensor2d(block, [size, w], dtype);
    });
  });
}
