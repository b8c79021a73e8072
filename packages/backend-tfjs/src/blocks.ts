import * as tf from "@tensorflow/tfjs-core";

/**
 * Row and column blocks of 2-D tensors taken with `gather` and cached index tensors.
 * tfjs-backend-wasm's Slice (and so split/unstack) copies its whole input to the JS heap
 * on every call, which made per-step slicing cost more than the matmuls; its Gather runs
 * in WebAssembly. Create one per `tf.tidy` scope: the index tensors belong to that scope.
 */
export class Blocks {
  private readonly indices = new Map<string, tf.Tensor1D>();

  private range(start: number, count: number): tf.Tensor1D {
    const key = `${start}:${count}`;
    let idx = this.indices.get(key);
    if (idx === undefined) {
      idx = tf.range(start, start + count, 1, "int32") as tf.Tensor1D;
      this.indices.set(key, idx);
    }
    return idx;
  }

  /** Rows [start, start + count). */
  rows(x: tf.Tensor, start: number, count: number): tf.Tensor {
    return tf.gather(x, this.range(start, count), 0);
  }

  /** Columns [start, start + count). */
  cols(x: tf.Tensor, start: number, count: number): tf.Tensor {
    return tf.gather(x, this.range(start, count), 1);
  }

  /** `parts` equal row blocks. */
  splitRows(x: tf.Tensor, parts: number): tf.Tensor[] {
    const size = (x.shape[0] ?? 0) / parts;
    return Array.from({ length: parts }, (_, i) => this.rows(x, i * size, size));
  }

  /** Column blocks of the given widths. */
  splitCols(x: tf.Tensor, widths: readonly number[]): tf.Tensor[] {
    let start = 0;
    return widths.map((w) => {
      const block = this.cols(x, start, w);
      start += w;
      return block;
    });
  }
}
