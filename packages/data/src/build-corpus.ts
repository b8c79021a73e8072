import { stat } from "node:fs/promises";
import { readWordIds } from "./byte-word-reader.js";
import { ByteWordTable } from "./byte-word-table.js";
import { CharTokenizer } from "./char-tokenizer.js";
import { tokenLimit } from "./check-option.js";
import { DataError } from "./errors.js";
import { IdBuffer } from "./id-buffer.js";
import { readLines } from "./line-reader.js";
import { TextCodec } from "./text-codec.js";
import { TokenCounter } from "./token-counter.js";
import type { TextCleaning, Tokenizer } from "./tokenizer.js";
import { Vocab, type VocabOptions } from "./vocab.js";
import { WordTokenizer } from "./word-tokenizer.js";

/** Options every corpus loader takes. */
export interface CorpusOptions extends VocabOptions {
  /**
   * `"char"`: {@link CharTokenizer}, vocabulary by frequency; the text is kept as it is (every
   * code point, `"\n"` at each line end, `\r\n` read as `\n`) unless `clean` says otherwise
   * (`"d2l"`: d2l's letters-only lines glued together; `"lower"`: lower case, newlines kept).
   * `"word"`: {@link WordTokenizer} (`<eos>` per line, no cleaning unless `clean` says
   * otherwise), vocabulary in first-seen order. `order` overrides the order.
   */
  level?: "char" | "word";
  clean?: TextCleaning;
  /** A tokenizer of your own (then `level` and `clean` are ignored). */
  tokenizer?: Tokenizer;
  /**
   * Reuse a codec (e.g. a checkpoint's): its tokenizer and vocabulary are used as they are,
   * unseen tokens map to its `<unk>`, and no vocabulary option applies.
   */
  codec?: TextCodec;
  /** Keep only the first `maxTokens` ids of each split, cut after the vocabulary is built. */
  maxTokens?: number;
}

/** A file to read as one split (null: the split is absent). */
export type SplitFile = string | null;

function chooseTokenizer(options: CorpusOptions, level: "char" | "word"): Tokenizer {
  if (options.tokenizer) return options.tokenizer;
  if (level === "char") {
    const clean = options.clean ?? "none";
    return new CharTokenizer({ clean, keepNewlines: clean !== "d2l" });
  }
  return new WordTokenizer({ clean: options.clean ?? "none" });
}

/**
 * Streams each file line by line into a growing Int32Array. With a new vocabulary, tokens get
 * provisional first-seen ids while reading, and one remapping pass turns them into final ids
 * once all counts are known, so the corpus never exists as an array of strings.
 */
export async function buildCorpus(
  files: readonly SplitFile[],
  options: CorpusOptions,
  defaultLevel: "char" | "word",
): Promise<{ codec: TextCodec; splits: (Int32Array | null)[] }> {
  const maxTokens = tokenLimit("maxTokens", options.maxTokens);
  const level = options.level ?? defaultLevel;
  if (level !== "char" && level !== "word") {
    throw new DataError("ERR_INVALID_OPTION", `level must be "char" or "word", got ${String(level)}`);
  }
  const tokenizer = options.codec?.tokenizer ?? chooseTokenizer(options, level);
  const fixed = options.codec?.vocab;
  const counter = new TokenCounter();
  const splits: (Int32Array | null)[] = [];
  const resolve = fixed ? (t: string) => fixed.idOf(t) : (t: string) => counter.intern(t);
  const wordTable = new ByteWordTable(resolve); // shared by all splits
  for (const file of files) {
    if (file === null) {
      splits.push(null);
      continue;
    }
    const fast = tokenizer instanceof WordTokenizer && tokenizer.clean === "none";
    // Size the id buffer from the file: ~5 bytes per word in PTB/WikiText, ~1 per character.
    const bytes = await stat(file).then(
      (s) => s.size,
      () => 0,
    );
    const ids = new IdBuffer(Math.ceil(bytes / (tokenizer.kind === "word" ? 5 : 1)) + 1024);
    if (fast) {
      // Fast path for PTB/WikiText-style files: words straight from bytes, same tokens.
      const push = fixed
        ? (id: number): void => ids.push(id)
        : (id: number): void => {
            ids.push(id);
            counter.countId(id);
          };
      await readWordIds(file, wordTable, tokenizer.eos, push, resolve);
    } else {
      const emit = fixed
        ? (token: string): void => ids.push(fixed.idOf(token))
        : (token: string): void => ids.push(counter.add(token));
      await readLines(file, (line) => tokenizer.tokenizeLine(line, emit, true));
    }
    if (ids.length === 0) {
      throw new DataError(
        "ERR_EMPTY_CORPUS",
        `corpus file ${file} has no tokens${tokenizer.toJSON().clean === "none" ? "" : " after cleaning"}; point at a non-empty text file`,
      );
    }
    splits.push(ids.toInt32Array());
  }
  let vocab = fixed;
  if (vocab === undefined) {
    const order = options.order ?? (tokenizer.kind === "word" ? "first-seen" : "frequency");
    vocab = Vocab.fromCounts(counter.tokens, counter.counts, { ...options, order });
    const remap = new Int32Array(counter.tokens.length);
    for (let i = 0; i < remap.length; i++) remap[i] = vocab.idOf(counter.tokens[i]);
    for (const ids of splits) if (ids) for (let i = 0; i < ids.length; i++) ids[i] = remap[ids[i]];
  }
  const truncated = splits.map((ids) => (ids && ids.length > maxTokens ? ids.slice(0, maxTokens) : ids));
  return { codec: options.codec ?? new TextCodec(tokenizer, vocab), splits: truncated };
}
