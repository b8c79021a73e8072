import type { TextCodec } from "./text-codec.js";

/**
 * A tokenised corpus: ids of the train, valid and test splits (null where the corpus has no
 * such split) and the codec that made them. One vocabulary covers all splits.
 */
export interface Corpus {
  readonly codec: TextCodec;
  readonly train: Int32Array;
  readonly valid: Int32Array | null;
  readonly test: Int32Array | null;
}
