import type { WeightTensor } from "@rnnlm/core";
import * as tf from "@tensorflow/tfjs-core";

/**
 * Inside this backend the recurrent matrices are stored transposed, W_ihᵀ (in, G) and
 * W_hhᵀ (H, G), so one-hot input is a row gather and every matmul runs without a
 * transpose; everything else keeps its canonical (PyTorch) layout. Gate order is
 * PyTorch's in both.
 */
export function isStoredTransposed(name: string): boolean {
  // Also optimizer buffers named after them (`momentum.rnn.weight_ih_l0`).
  return /(^|\.)rnn\.weight_/.test(name);
}

function transpose2d(data: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  }
  return out;
}

/** A canonical weight as the tfjs tensor this backend stores. */
export function toInternal(name: string, weight: WeightTensor): tf.Tensor {
  const data = Float32Array.from(weight.data);
  if (!isStoredTransposed(name)) return tf.tensor(data, [...weight.shape], "float32");
  const [rows, cols] = weight.shape;
  return tf.tensor2d(transpose2d(data, rows, cols), [cols, rows], "float32");
}

/** A stored tensor's values (read from the device) in canonical layout. */
export function toCanonical(name: string, values: Float32Array, storedShape: readonly number[]): WeightTensor {
  if (!isStoredTransposed(name)) return { shape: [...storedShape], data: values };
  const [rows, cols] = storedShape;
  return { shape: [cols, rows], data: transpose2d(values, rows, cols) };
}
