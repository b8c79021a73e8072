/**
 * `@rnnlm/data` in a browser (the `browser` export condition, or `@rnnlm/data/browser`):
 * tokenizers, vocabularies, {@link TextCodec} and the batch iterators. Leaves out the file
 * loaders (`loadTextFile`, `loadCorpusFolder`, `loadPtb`, `loadTimeMachine`), which read
 * files with `node:fs`; build a codec from text you already have instead.
 *
 * @packageDocumentation
 */
export const VERSION = "0.1.0";

export { batchify } from "./batchify.js";
export { type BpttOptions, BpttWindows } from "./bptt-windows.js";
export { CharTokenizer, type CharTokenizerOptions } from "./char-tokenizer.js";
export { cleanD2l } from "./clean.js";
export type { Corpus } from "./corpus.js";
export { createTokenizer } from "./create-tokenizer.js";
export { DataError, type DataErrorCode } from "./errors.js";
export { type D2lBatchOptions, RandomBatches } from "./random-batches.js";
export { SequentialBatches } from "./sequential-batches.js";
export { TextCodec, type TextCodecJSON } from "./text-codec.js";
export type { BatchSource, TokenBatch } from "./token-batch.js";
export { TokenCounter } from "./token-counter.js";
export type { CharTokenizerSpec, TextCleaning, Tokenizer, TokenizerSpec, WordTokenizerSpec } from "./tokenizer.js";
export { Vocab, type VocabJSON, type VocabOptions, type VocabOrder } from "./vocab.js";
export { WordTokenizer, type WordTokenizerOptions } from "./word-tokenizer.js";
