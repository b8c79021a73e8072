/**
 * How lines are cleaned before tokenising: d2l's letters-only cleaning (`"d2l"`), lower case
 * only (`"lower"`: every other code point kept), or not at all (`"none"`).
 */
export type TextCleaning = "d2l" | "lower" | "none";

/** Every {@link TextCleaning}, for option checks and help texts. */
export const TEXT_CLEANINGS: readonly TextCleaning[] = ["none", "lower", "d2l"];

/** Serialisable description of a {@link CharTokenizer}. */
export interface CharTokenizerSpec {
  readonly kind: "char";
  readonly clean: TextCleaning;
  /** Emit `"\n"` as a token at each line end (d2l: false, lines are glued together). */
  readonly keepNewlines: boolean;
}

/** Serialisable description of a {@link WordTokenizer}. */
export interface WordTokenizerSpec {
  readonly kind: "word";
  readonly clean: TextCleaning;
  /** Token appended at each line end (word LM: `"<eos>"`), or null for none (d2l word mode). */
  readonly eos: string | null;
}

export type TokenizerSpec = CharTokenizerSpec | WordTokenizerSpec;

/**
 * Splits text into tokens, line by line, so corpora can be streamed.
 *
 * A corpus file is a sequence of lines; every line, the last one included, is *terminated*
 * (gets its `<eos>` or `"\n"` token), as PyTorch's `data.Corpus` does. In free text given to
 * {@link Tokenizer.tokenize} (a prompt), only lines followed by a line break are terminated:
 * `"the cat"` gives `["the", "cat"]`, `"the cat\n"` gives `["the", "cat", "<eos>"]`.
 */
export interface Tokenizer {
  readonly kind: "char" | "word";
  /** Joins decoded tokens: `""` for characters, `" "` for words. */
  readonly separator: string;
  /** Calls `emit` for each token of one line (without its line break). */
  tokenizeLine(line: string, emit: (token: string) => void, terminated: boolean): void;
  /** Tokens of free text (see the interface note on line ends). */
  tokenize(text: string): string[];
  toJSON(): TokenizerSpec;
}

/** Python's universal newlines: `\n`, `\r\n` or a lone `\r`. */
const LINE_BREAK = /\r\n|\r|\n/;

/** {@link Tokenizer.tokenize} in terms of {@link Tokenizer.tokenizeLine}. */
export function tokenizeText(tokenizer: Tokenizer, text: string): string[] {
  const out: string[] = [];
  const emit = (token: string): void => {
    out.push(token);
  };
  const lines = text.split(LINE_BREAK);
  for (let i = 0; i < lines.length; i++) tokenizer.tokenizeLine(lines[i], emit, i < lines.length - 1);
  return out;
}
