import { buildCorpus, type CorpusOptions } from "./build-corpus.js";
import { tokenLimit } from "./check-option.js";
import type { Corpus } from "./corpus.js";
import { splitTail, validFractionOf } from "./split-tail.js";

export interface TextFileOptions extends CorpusOptions {
  /**
   * Keep the last `validFraction` of the tokens as the validation split (contiguous tail, as
   * nanoGPT and char-rnn do; see {@link splitTail}). Default 0: a train split only. The
   * vocabulary covers the whole file; `maxTokens` then cuts each split.
   */
  validFraction?: number;
}

/** Cuts each split of `corpus` to `maxTokens` ids. */
export function truncateSplits(corpus: Corpus, maxTokens: number): Corpus {
  const cut = (ids: Int32Array | null): Int32Array | null =>
    ids !== null && ids.length > maxTokens ? ids.slice(0, maxTokens) : ids;
  return { codec: corpus.codec, train: cut(corpus.train)!, valid: cut(corpus.valid), test: cut(corpus.test) };
}

/**
 * A one-file corpus with the tail of `ids` as validation when `validFraction` > 0, each
 * split then cut to `maxTokens`.
 */
export function splitOneFile(
  codec: Corpus["codec"],
  ids: Int32Array,
  validFraction: number | undefined,
  maxTokens: number | undefined,
): Corpus {
  const fraction = validFractionOf(validFraction);
  const limit = tokenLimit("maxTokens", maxTokens);
  if (fraction === 0) return truncateSplits({ codec, train: ids, valid: null, test: null }, limit);
  const { train, valid } = splitTail(ids, fraction);
  return truncateSplits({ codec, train, valid, test: null }, limit);
}

/**
 * Loads any text file as a corpus. Default level `"char"` with the text kept as it is
 * (newlines included) and a frequency-ordered vocabulary; `{ level: "word" }` gives word
 * tokens with `<eos>` per line and first-seen ids. `validFraction` splits off a validation tail.
 */
export async function loadTextFile(path: string, options: TextFileOptions = {}): Promise<Corpus> {
  validFractionOf(options.validFraction);
  const { maxTokens, validFraction, ...rest } = options;
  tokenLimit("maxTokens", maxTokens);
  const { codec, splits } = await buildCorpus([path], rest, "char");
  return splitOneFile(codec, splits[0]!, validFraction, maxTokens);
}
