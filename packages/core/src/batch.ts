import { ShapeError } from "./errors.js";

/**
 * A batch as `@rnnlm/data` yields it: `x` inputs and `y` targets (y is x shifted by one
 * token), `shape` = [rows, cols]. d2l iterators are batch-major (B, T); word-LM batchify
 * windows are time-major (T, B).
 */
export interface TokenBatch {
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly shape: readonly [number, number];
  readonly layout: "batch-major" | "time-major";
}

/** What models consume: ids time-major, row `t·batch + b`, like the logits they return. */
export interface TimeMajorBatch {
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly steps: number;
  readonly batch: number;
}

/** Reorders a batch to time-major (a copy for batch-major input, the same arrays otherwise). */
export function toTimeMajor(batch: TokenBatch): TimeMajorBatch {
  const [rows, cols] = batch.shape;
  if (batch.x.length !== rows * cols || batch.y.length !== rows * cols) {
    throw new ShapeError(`batch of shape [${rows}, ${cols}] needs ${rows * cols} ids in x and y`);
  }
  if (batch.layout === "time-major") return { x: batch.x, y: batch.y, steps: rows, batch: cols };
  const x = new Int32Array(rows * cols);
  const y = new Int32Array(rows * cols);
  for (let b = 0; b < rows; b++) {
    for (let t = 0; t < cols; t++) {
      x[t * rows + b] = batch.x[b * cols + t];
      y[t * rows + b] = batch.y[b * cols + t];
    }
  }
  return { x, y, steps: cols, batch: rows };
}

/**
 * An epoch-indexed source of batches. `epoch(e)` must be deterministic in (seed, e) so a
 * resumed run sees the batches an uninterrupted run would.
 */
export interface BatchSource {
  /** True when row i of a batch continues row i of the previous batch (carry the state). */
  readonly carriesState: boolean;
  epoch(e: number): Iterable<TokenBatch>;
  /** Number of batches epoch `e` yields (for progress and ETA). */
  countBatches(e: number): number;
}
