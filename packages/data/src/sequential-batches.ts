import { uniformInt } from "pure-rand/distribution/uniformInt";
import { nonNegativeInteger, positiveInteger } from "./check-option.js";
import { requireTokens } from "./corpus-too-short.js";
import { checkSeed, epochRandom } from "./epoch-random.js";
import type { D2lBatchOptions } from "./random-batches.js";
import type { BatchSource, TokenBatch } from "./token-batch.js";

/**
 * d2l's `seq_data_iter_sequential`. Per epoch: a random offset k in [0, T] (inclusive); keep
 * ⌊(n-k-1)/B⌋·B tokens from k for X (and the same from k+1 for Y); lay each out as B rows;
 * walk the columns in whole windows of T (a partial last window is dropped). Batches are
 * batch-major (B, T): `x[b·T + t]`. Row b of batch j+1 continues row b of batch j, so
 * `carriesState` is true: carry (and detach) the state, reset it at the start of an epoch.
 */
export class SequentialBatches implements BatchSource {
  readonly carriesState = true;
  readonly batchSize: number;
  readonly numSteps: number;
  readonly seed: number;
  private readonly ids: Int32Array;

  constructor(ids: ArrayLike<number>, options: D2lBatchOptions) {
    this.batchSize = positiveInteger("batchSize", options.batchSize);
    this.numSteps = positiveInteger("numSteps", options.numSteps);
    this.seed = checkSeed(options.seed);
    this.ids = ids instanceof Int32Array ? ids : Int32Array.from(ids);
    const { batchSize: b, numSteps: t } = this;
    requireTokens(
      this.ids.length,
      b * t + t + 1,
      `sequential batches of ${b} × ${t}`,
      `batchSize·numSteps + numSteps + 1 = ${b}·${t} + ${t} + 1: the random offset drops up to ${t} tokens and targets need one more`,
    );
  }

  /** The offset k in [0, T] epoch `e` drops. */
  offset(e: number): number {
    return uniformInt(epochRandom(this.seed, e), 0, this.numSteps);
  }

  private columns(k: number): number {
    return Math.floor((this.ids.length - k - 1) / this.batchSize);
  }

  countBatches(e: number): number {
    return Math.floor(this.columns(this.offset(e)) / this.numSteps);
  }

  epoch(e: number): Iterable<TokenBatch> {
    nonNegativeInteger("epoch", e);
    return { [Symbol.iterator]: () => this.batches(e) };
  }

  private *batches(e: number): Generator<TokenBatch> {
    const { ids, batchSize: b, numSteps: t } = this;
    const k = this.offset(e);
    const cols = this.columns(k);
    const batches = Math.floor(cols / t);
    for (let n = 0; n < batches; n++) {
      const x = new Int32Array(b * t);
      const y = new Int32Array(b * t);
      for (let r = 0; r < b; r++) {
        const s = k + r * cols + n * t;
        x.set(ids.subarray(s, s + t), r * t);
        y.set(ids.subarray(s + 1, s + 1 + t), r * t);
      }
      yield { x, y, shape: [b, t], layout: "batch-major" };
    }
  }
}
