/**
 * A batch: `x` inputs and `y` targets (y is x shifted by one token in the corpus), both of
 * `shape[0] · shape[1]` ids, row-major in `shape`.
 * - `"batch-major"`, shape (B, T): id `x[b·T + t]` is step t of row b (d2l iterators).
 * - `"time-major"`, shape (T, B): id `x[t·B + b]` is step t of column b (word-LM batchify).
 *
 * Same shape as core's `TokenBatch` (packages/core/src/batch.ts); data cannot import core, so
 * the two are kept identical by hand and checked by `test/core-contract.test.ts`.
 */
export interface TokenBatch {
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly shape: readonly [number, number];
  readonly layout: "batch-major" | "time-major";
}

/** Same shape as core's `BatchSource`: an epoch-indexed, deterministic source of batches. */
export interface BatchSource {
  /** True when row i of a batch continues row i of the previous batch (carry the state). */
  readonly carriesState: boolean;
  /** The batches of epoch `e`, the same every time for the same seed and `e`. */
  epoch(e: number): Iterable<TokenBatch>;
  /** Number of batches epoch `e` yields. */
  countBatches(e: number): number;
}
