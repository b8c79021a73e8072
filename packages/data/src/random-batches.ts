import { uniformInt } from "pure-rand/distribution/uniformInt";
import { nonNegativeInteger, positiveInteger } from "./check-option.js";
import { requireTokens } from "./corpus-too-short.js";
import { checkSeed, epochRandom } from "./epoch-random.js";
import type { BatchSource, TokenBatch } from "./token-batch.js";

export interface D2lBatchOptions {
  /** B: subsequences per batch. */
  batchSize: number;
  /** T: steps per subsequence. */
  numSteps: number;
  /** Epoch e draws from a generator seeded by (seed, e) only. */
  seed: number;
}

/**
 * d2l's `seq_data_iter_random`. Per epoch: drop a random offset k in [0, T-1]; split the rest
 * into ⌊(n-k-1)/T⌋ subsequences starting at k + multiples of T; shuffle their starts; emit
 * ⌊count/B⌋ batches of B subsequences. Batches are batch-major (B, T): `x[b·T + t]`.
 * Rows are unrelated from batch to batch, so `carriesState` is false (reset the state).
 */
export class RandomBatches implements BatchSource {
  readonly carriesState = false;
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
      b * t + t,
      `random batches of ${b} × ${t}`,
      `batchSize·numSteps + numSteps = ${b}·${t} + ${t}: the random offset drops up to ${t - 1} tokens and targets need one more`,
    );
  }

  /** The offset k in [0, T-1] epoch `e` drops. */
  offset(e: number): number {
    return uniformInt(epochRandom(this.seed, e), 0, this.numSteps - 1);
  }

  countBatches(e: number): number {
    const subsequences = Math.floor((this.ids.length - this.offset(e) - 1) / this.numSteps);
    return Math.floor(subsequences / this.batchSize);
  }

  epoch(e: number): Iterable<TokenBatch> {
    nonNegativeInteger("epoch", e);
    return { [Symbol.iterator]: () => this.batches(e) };
  }

  private *batches(e: number): Generator<TokenBatch> {
    const { ids, batchSize: b, numSteps: t } = this;
    const rng = epochRandom(this.seed, e);
    const k = uniformInt(rng, 0, t - 1);
    const count = Math.floor((ids.length - k - 1) / t);
    const starts = new Int32Array(count);
    for (let i = 0; i < count; i++) starts[i] = k + i * t;
    for (let i = count - 1; i > 0; i--) {
      const j = uniformInt(rng, 0, i);
      const s = starts[i];
      starts[i] = starts[j];
      starts[j] = s;
    }
    const batches = Math.floor(count / b);
    for (let n = 0; n < batches; n++) {
      const x = new Int32Array(b * t);
      const y = new Int32Array(b * t);
      for (let r = 0; r < b; r++) {
        const s = starts[n * b + r];
        x.set(ids.subarray(s, s + t), r * t);
        y.set(ids.subarray(s + 1, s + 1 + t), r * t);
      }
      yield { x, y, shape: [b, t], layout: "batch-major" };
    }
  }
}
