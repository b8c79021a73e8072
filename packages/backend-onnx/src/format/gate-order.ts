import type { Cell } from "@rnnlm/core";

/**
 * ONNX gate block `j` is PyTorch gate block `ONNX_GATE_ORDER[cell][j]` (SPEC §4):
 * LSTM PyTorch i,f,g,o → ONNX i,o,f,c; GRU PyTorch r,z,n → ONNX z,r,h.
 */
export const ONNX_GATE_ORDER: Readonly<Record<Cell, readonly number[]>> = {
  rnn_tanh: [0],
  rnn_relu: [0],
  gru: [1, 0, 2],
  lstm: [0, 3, 1, 2],
};

/**
 * Reorders the row blocks of a (G·H × cols) row-major matrix (or a G·H vector with cols = 1):
 * output block j is input block `order[j]`. Writes into `out` at `outOffset`.
 */
export function permuteGateBlocks(
  src: ArrayLike<number>,
  hidden: number,
  cols: number,
  order: readonly number[],
  out: Float32Array,
  outOffset = 0,
): void {
  const block = hidden * cols;
  for (let j = 0; j < order.length; j++) {
    const from = order[j] * block;
    const to = outOffset + j * block;
    for (let i = 0; i < block; i++) out[to + i] = src[from + i];
  }
}

/** The inverse of a gate order: `inverse[order[j]] = j`. */
export function invertGateOrder(order: readonly number[]): number[] {
  const inverse = new Array<number>(order.length);
  order.forEach((from, j) => {
    inverse[from] = j;
  });
  return inverse;
}
