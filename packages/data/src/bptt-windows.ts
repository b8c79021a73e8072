import { batchify } from "./batchify.js";
import { nonNegativeInteger, positiveInteger } from "./check-option.js";
import { requireTokens } from "./corpus-too-short.js";
import type { BatchSource, TokenBatch } from "./token-batch.js";

export interface BpttOptions {
  /** B: columns of the batchified stream. */
  batchSize: number;
  /** Steps per window. */
  bptt: number;
}

/**
 * Word-LM windows (PyTorch `get_batch`, gluon tutorial): {@link batchify} the stream into
 * (rows, B), then for i = 0, bptt, 2·bptt, … < rows-1 emit L = min(bptt, rows-1-i) rows:
 * x = rows i…i+L-1, y = rows i+1…i+L. Batches are time-major (L, B): `x[t·B + b]`; the last
 * window may be shorter. No randomness: every epoch is the same. Column b of window w+1
 * continues column b of window w, so `carriesState` is true.
 */
export class BpttWindows implements BatchSource {
  readonly carriesState = true;
  readonly batchSize: number;
  readonly bptt: number;
  /** Rows of the batchified matrix (n / B, rounded down). */
  readonly rows: number;
  private readonly matrix: Int32Array;

  constructor(ids: ArrayLike<number>, options: BpttOptions) {
    this.batchSize = positiveInteger("batchSize", options.batchSize);
    this.bptt = positiveInteger("bptt", options.bptt);
    const b = this.batchSize;
    requireTokens(
      ids.length,
      2 * b,
      `bptt windows with batch size ${b}`,
      `2·batchSize = 2·${b}: each of the ${b} columns needs an input and a target`,
    );
    this.matrix = batchify(ids, b);
    this.rows = this.matrix.length / b;
  }

  countBatches(e: number): number {
    nonNegativeInteger("epoch", e);
    return Math.ceil((this.rows - 1) / this.bptt);
  }

  epoch(e: number): Iterable<TokenBatch> {
    nonNegativeInteger("epoch", e);
    return { [Symbol.iterator]: () => this.windows() };
  }

  private *windows(): Generator<TokenBatch> {
    const { matrix, batchSize: b, bptt, rows } = this;
    for (let i = 0; i < rows - 1; i += bptt) {
      const len = Math.min(bptt, rows - 1 - i);
      yield {
        x: matrix.slice(i * b, (i + len) * b),
        y: matrix.slice((i + 1) * b, (i + 1 + len) * b),
        shape: [len, b],
        layout: "time-major",
      };
    }
  }
}
