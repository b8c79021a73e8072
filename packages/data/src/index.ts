export const VERSION = "0.1.0";

export { batchify } from "./batchify.js";
export { type BpttOptions, BpttWindows } from "./bptt-windows.js";
export type { CorpusOptions, SplitFile } from "./build-corpus.js";
export { CharTokenizer, type CharTokenizerOptions } from "./char-tokenizer.js";
export { cleanD2l } from "./clean.js";
export type { Corpus } from "./corpus.js";
export { createTokenizer } from "./create-tokenizer.js";
export { DataError, type DataErrorCode } from "./errors.js";
export { type CorpusFolderOptions, loadCorpusFolder, loadPtb } from "./load-corpus-folder.js";
export { loadTextFile, type TextFileOptions } from "./load-text-file.js";
export { type D2lBatchOptions, RandomBatches } from "./random-batches.js";
export { SequentialBatches } from "./sequential-batches.js";
export { splitTail } from "./split-tail.js";
export { TextCodec, type TextCodecJSON } from "./text-codec.js";
export { loadTimeMachine, type TimeMachineOptions, timeMachinePath } from "./time-machine.js";
export type { BatchSource, TokenBatch } from "./token-batch.js";
export { TokenCounter } from "./token-counter.js";
export {
  type CharTokenizerSpec,
  TEXT_CLEANINGS,
  type TextCleaning,
  type Tokenizer,
  type TokenizerSpec,
  type WordTokenizerSpec,
} from "./tokenizer.js";
export { Vocab, type VocabJSON, type VocabOptions, type VocabOrder } from "./vocab.js";
export { WordTokenizer, type WordTokenizerOptions } from "./word-tokenizer.js";
