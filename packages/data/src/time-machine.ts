import { fileURLToPath } from "node:url";
import { buildCorpus, type CorpusOptions } from "./build-corpus.js";
import { CharTokenizer } from "./char-tokenizer.js";
import { tokenLimit } from "./check-option.js";
import type { Corpus } from "./corpus.js";
import { splitOneFile } from "./load-text-file.js";
import { validFractionOf } from "./split-tail.js";
import type { TextCleaning } from "./tokenizer.js";
import { WordTokenizer } from "./word-tokenizer.js";

/** Absolute path of the copy of H. G. Wells' "The Time Machine" shipped with this package. */
export function timeMachinePath(): string {
  return fileURLToPath(new URL("../corpora/timemachine.txt", import.meta.url));
}

export interface TimeMachineOptions extends Pick<CorpusOptions, "minFreq" | "maxSize" | "reserved" | "codec"> {
  /** Default 10,000 (d2l `load_data_time_machine`); `Infinity` keeps the whole book. */
  maxTokens?: number;
  /** Default `"char"`; `"word"` is d2l's word mode (cleaned words, no `<eos>`). */
  level?: "char" | "word";
  /** Another text to treat the same way (e.g. `warofworlds.txt`). Default: the shipped book. */
  path?: string;
  /**
   * Default `"d2l"` (d2l's cleaning). `"none"` keeps the raw book (case, punctuation, digits,
   * `"\n"` per line end); `"lower"` lower-cases it and keeps the rest.
   */
  clean?: TextCleaning;
  /** Keep the last fraction of the tokens for validation (default 0: d2l's train-only corpus). */
  validFraction?: number;
}

/**
 * d2l's `load_corpus_time_machine`: each line d2l-cleaned, characters, lines glued together
 * (170,580 tokens), vocabulary by frequency over the whole book (`<unk>`, space, 26 letters),
 * then the ids cut to the first `maxTokens`. The result has only a train split.
 */
export async function loadTimeMachine(options: TimeMachineOptions = {}): Promise<Corpus> {
  const level = options.level ?? "char";
  const clean = options.clean ?? "d2l";
  const validFraction = validFractionOf(options.validFraction);
  const maxTokens = tokenLimit("maxTokens", options.maxTokens ?? 10_000);
  const tokenizer =
    level === "word"
      ? new WordTokenizer({ clean, eos: null })
      : new CharTokenizer({ clean, keepNewlines: clean !== "d2l" });
  const { validFraction: _, ...rest } = options;
  if (validFraction === 0) {
    // d2l's semantics exactly: the ids are cut to maxTokens after the vocabulary is built.
    const { codec, splits } = await buildCorpus(
      [options.path ?? timeMachinePath()],
      { ...rest, level, tokenizer, order: "frequency", maxTokens },
      level,
    );
    return { codec, train: splits[0]!, valid: null, test: null };
  }
  const { codec, splits } = await buildCorpus(
    [options.path ?? timeMachinePath()],
    { ...rest, level, tokenizer, order: "frequency", maxTokens: undefined },
    level,
  );
  return splitOneFile(codec, splits[0]!, validFraction, maxTokens);
}
