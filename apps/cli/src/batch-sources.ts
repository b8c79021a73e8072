import type { BatchSource } from "@rnnlm/core";
import { BpttWindows, type Corpus, RandomBatches, SequentialBatches } from "@rnnlm/data";
import type { RunConfig } from "./run-config.js";

/** The batch order a run uses: the config's, or `sequential` for characters and `bptt` for words. */
export function batchOrderOf(config: RunConfig, corpus: Corpus): "random" | "sequential" | "bptt" {
  return config.batchOrder ?? (corpus.codec.tokenizer.kind === "word" ? "bptt" : "sequential");
}

/** Training batches per SPEC §1 (d2l random / sequential) or §2 (word-LM bptt windows). */
export function trainSource(config: RunConfig, corpus: Corpus): BatchSource {
  const options = { batchSize: config.batchSize, numSteps: config.bptt, seed: config.seed };
  switch (batchOrderOf(config, corpus)) {
    case "random":
      return new RandomBatches(corpus.train, options);
    case "sequential":
      return new SequentialBatches(corpus.train, options);
    default:
      return new BpttWindows(corpus.train, { batchSize: config.batchSize, bptt: config.bptt });
  }
}

/** Validation / test batches: bptt windows of `evalBatchSize` columns (PyTorch's evaluate). */
export function evalSource(config: RunConfig, ids: Int32Array): BatchSource {
  return new BpttWindows(ids, { batchSize: config.evalBatchSize, bptt: config.bptt });
}
