import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";

/**
 * How {@link Blocks} cuts a tensor:
 * - `host`: copy every block on the host from the tensor's elements (a view of the wasm
 *   heap; the cpu backend's own array) into a new tensor. For tfjs-backend-wasm and -cpu:
 *   wasm's Gather kernel computes every element's position with a heap-allocated index
 *   vector (~30 ns per element: a step's gate split cost more than its matmul), its Slice
 *   (and so split/unstack) and `dataSync` copy the whole input into a freshly allocated JS
 *   buffer on every call; cpu's Gather goes element by element through a TensorBuffer.
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
   * Blocks of a 1-D tensor, each its own rank-1 tensor: wasm's fused-matmul bias must be
   * rank 1 in storage, and neither a reshaped row block nor a Gather output (stored 4-D) is.
   * The `gather` strategy slices (vectors are short; tfjs-node's Slice stays on the device).
   */
  splitVector(x: tf.Tensor, widths: readonly number[]): tf.Tensor1D[] {
    if (x.rank !== 1 || widths.reduce((a, b) => a + b, 0) !== x.size) {
      throw new Error(`internal: cannot cut a rank-${x.rank} tensor of ${x.size} into widths ${widths.join(",")}`);
    }
    // A copy: vectors are short, and a wasm heap view could not outlive the first block made.
    const values = this.strategy === "host" ? (x.dataSync() as Values) : null;
    let start = 0;
    return widths.map((w) => {
      const block =
        values === null
          ? tf.slice1d(x as tf.Tensor1D, start, w)
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

type Values = Float32Array | Int32Array;

/** Reused host buffers for wasm blocks (tensor creation copies them into the wasm heap at once). */
let scratchFloat = new Float32Array(0);
let scratchInt = new Int32Array(0);

function scratchFor(dtype: tf.DataType, size: number): Values {
  if (dtype === "int32") {
    if (scratchInt.length < size) scratchInt = new Int32Array(size);
    return scratchInt.subarray(0, size);
  }
  if (scratchFloat.length < size) scratchFloat = new Float32Array(size);
  return scratchFloat.subarray(0, size);
}

/**
 * The tensor's elements without a fresh host copy: on wasm a view of the wasm heap, on cpu the
 * backend's own array. `dataSync` would allocate a new buffer on every call, and that (page
 * faults on first touch) made reading 1 MB cost milliseconds. A wasm view is detached when the
 * heap grows, which creating a tensor may do: take a new one after every tensor made.
 */
function elements(x: tf.Tensor, wasm: boolean): Values {
  if (!wasm) return x.dataSync() as Values;
  // A tensor still on another backend (models on several devices in turn) moves to wasm here,
  // as it would for any wasm kernel: the backend's data storage moves what it is asked for.
  return (tf.backend() as BackendWasm).typedArrayFromHeap(x) as Values;
}

function hostGrid(x: tf.Tensor, size: number, parts: number, widths: readonly number[]): tf.Tensor[][] {
  const cols = x.shape[1] ?? 0;
  const dtype = x.dtype;
  // wasm copies a new tensor's values into its heap, so blocks go through reused buffers; the
  // cpu backend keeps the array it is given, so its blocks are fresh arrays (or views of its
  // own storage: tfjs kernels never write their inputs).
  const wasm = tf.getBackend() === "wasm";
  return Array.from({ length: parts }, (_, p) => {
    const first = p * size * cols;
    let start = 0;
    return widths.map((w) => {
      const values = elements(x, wasm);
      let block: Values;
      if (w === cols) {
        const rows = values.subarray(first, first + size * cols);
        block = wasm ? scratchFor(dtype, size * cols) : rows;
        if (wasm) block.set(rows);
      } else {
        block = wasm
          ? scratchFor(dtype, size * w)
          : dtype === "int32"
            ? new Int32Array(size * w)
            : new Float32Array(size * w);
        for (let r = 0; r < size; r++) {
          const from = first + r * cols + start;
          block.set(values.subarray(from, from + w), r * w);
        }
      }
      start += w;
      return tf.tensor2d(block, [size, w], dtype);
    });
  });
}
