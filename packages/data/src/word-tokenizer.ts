import { cleanD2l } from "./clean.js";
import { type TextCleaning, type Tokenizer, tokenizeText, type WordTokenizerSpec } from "./tokenizer.js";

export interface WordTokenizerOptions {
  /** Default `"none"` (PTB and WikiText are already tokenised); `"d2l"` is d2l's word mode. */
  clean?: TextCleaning;
  /** Default `"<eos>"`, appended to every line; null appends nothing. */
  eos?: string | null;
}

/**
 * Python's `str.isspace` set, which `str.split()` (PyTorch `data.Corpus`) splits on. It differs
 * from JS `\s`: U+FEFF is not a space (WikiText-2 train has 36 of them as words), while
 * U+001C–U+001F and U+0085 are.
 */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/**
 * Word tokens: each line split on whitespace (Python's `str.split()` set), then `<eos>`
 * appended (PyTorch / gluon word LM).
 */
export class WordTokenizer implements Tokenizer {
  readonly kind = "word" as const;
  readonly separator = " ";
  readonly clean: TextCleaning;
  readonly eos: string | null;

  constructor(options: WordTokenizerOptions = {}) {
    this.clean = options.clean ?? "none";
    this.eos = options.eos === undefined ? "<eos>" : options.eos;
  }

  tokenizeLine(line: string, emit: (token: string) => void, terminated: boolean): void {
    const text = this.clean === "d2l" ? cleanD2l(line) : this.clean === "lower" ? line.toLowerCase() : line;
    const n = text.length;
    let i = 0;
    while (i < n) {
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (i === n) break;
      let j = i + 1;
      while (j < n && !isSpace(text.charCodeAt(j))) j++;
      emit(text.slice(i, j));
      i = j;
    }
    if (terminated && this.eos !== null) emit(this.eos);
  }

  tokenize(text: string): string[] {
    return tokenizeText(this, text);
  }

  toJSON(): WordTokenizerSpec {
    return { kind: "word", clean: this.clean, eos: this.eos };
  }
}
