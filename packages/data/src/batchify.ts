import { positiveInteger } from "./check-option.js";

/**
 * Word-LM batchify: trims `ids` to a multiple of `batchSize` B and lays the stream out as B
 * columns, column j holding the j-th contiguous slice. Returns the (n/B, B) matrix row-major,
 * i.e. time-major: element (r, j) = `out[r·B + j]` = `ids[j·(n/B) + r]`.
 */
export function batchify(ids: ArrayLike<number>, batchSize: number): Int32Array {
  positiveInteger("batchSize", batchSize);
  const rows = Math.floor(ids.length / batchSize);
  const out = new Int32Array(rows * batchSize);
  for (let j = 0; j < batchSize; j++) {
    for (let r = 0; r < rows; r++) out[r * batchSize + j] = ids[j * rows + r];
  }
  return out;
}
