/**
 * `@rnnlm/data` must not depend on `@rnnlm/core`, yet its types must satisfy core's
 * `TokenCodec` (packages/core/src/codec.ts) and `BatchSource`/`TokenBatch`
 * (packages/core/src/batch.ts). This file mirrors those interfaces verbatim and checks
 * assignability at compile time (`tsc -p tsconfig.json`, the package's typecheck/lint) and
 * the runtime members at test time. If core changes them, update the mirror; the real
 * cross-package check happens where core and data meet (the CLI and integration tests).
 */
import { describe, expect, it } from "vitest";
import {
  BpttWindows,
  CharTokenizer,
  RandomBatches,
  SequentialBatches,
  TextCodec,
  type TokenBatch,
  Vocab,
} from "../src/index.js";

// ---- mirror of packages/core/src/codec.ts ----
interface CoreTokenCodec {
  readonly size: number;
  readonly unkId: number;
  readonly separator: string;
  tokenize(text: string): string[];
  idOf(token: string): number;
  tokenOf(id: number): string;
}

// ---- mirror of packages/core/src/batch.ts ----
interface CoreTokenBatch {
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly shape: readonly [number, number];
  readonly layout: "batch-major" | "time-major";
}
interface CoreBatchSource {
  readonly carriesState: boolean;
  epoch(e: number): Iterable<CoreTokenBatch>;
  countBatches(e: number): number;
}

// Compile-time checks, both directions for the batch type.
const codec: CoreTokenCodec = new TextCodec(new CharTokenizer(), Vocab.build(["a"]));
const sources: CoreBatchSource[] = [
  new RandomBatches([0, 1, 2, 3], { batchSize: 1, numSteps: 1, seed: 0 }),
  new SequentialBatches([0, 1, 2, 3], { batchSize: 1, numSteps: 1, seed: 0 }),
  new BpttWindows([0, 1, 2, 3], { batchSize: 1, bptt: 1 }),
];
const roundTrip = (b: CoreTokenBatch): TokenBatch => b;

describe("core contract", () => {
  it("TextCodec and the iterators have core's members", () => {
    expect(codec.tokenize("A")).toEqual(["a"]);
    for (const s of sources) {
      const batches = [...s.epoch(0)];
      expect(batches.length).toBe(s.countBatches(0));
      expect(typeof s.carriesState).toBe("boolean");
      for (const b of batches.map(roundTrip)) {
        expect(b.x).toBeInstanceOf(Int32Array);
        expect(b.x.length).toBe(b.shape[0] * b.shape[1]);
      }
    }
  });
});
