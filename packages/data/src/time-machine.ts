import { fileURLToPath } from "node:url";
import { buildCorpus, type CorpusOptions } from "./build-corpus.js";
import { CharTokenizer } from "./char-tokenizer.js";
import type { Corpus } from "./corpus.js";
import { WordTokenizer } from "./word-tokenizer.js";

/** Absolute path of the copy of H. G. Wells' "The Time Machine" shipped with this package. */
export function timeMachinePath(): string {
  return fileURLToPath(new URL("../corpora/timemachine.txt", import.meta.url));
}

export interface TimeMachineOptions extends Pick<CorpusOptions, "minFreq" | "reserved" | "codec"> {
  /** Default 10,000 (d2l `load_data_time_machine`); `Infinity` keeps the whole book. */
  maxTokens?: number;
  /** Default `"char"`; `"word"` is d2l's word mode (cleaned words, no `<eos>`). */
  level?: "char" | "word";
  /** Another text to treat the same way (e.g. `warofworlds.txt`). Default: the shipped book. */
  path?: string;
}

/**
 * d2l's `load_corpus_time_machine`: each line d2l-cleaned, characters, lines glued together
 * (170,580 tokens), vocabulary by frequency over the whole book (`<unk>`, space, 26 letters),
 * then the ids cut to the first `maxTokens`. The result has only a train split.
 */
export async function loadTimeMachine(options: TimeMachineOptions = {}): Promise<Corpus> {
  const level = options.level ?? "char";
  const tokenizer = level === "word" ? new WordTokenizer({ clean: "d2l", eos: null }) : new CharTokenizer();
  const { codec, splits } = await buildCorpus(
    [options.path ?? timeMachinePath()],
    { ...options, level, tokenizer, order: "frequency", maxTokens: options.maxTokens ?? 10_000 },
    level,
  );
  return { codec, train: splits[0]!, valid: null, test: null };
}
