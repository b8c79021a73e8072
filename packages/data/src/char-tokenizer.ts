import { cleanD2l } from "./clean.js";
import { type CharTokenizerSpec, type TextCleaning, type Tokenizer, tokenizeText } from "./tokenizer.js";

export interface CharTokenizerOptions {
  /** Default `"d2l"`: letters only, lower case, one space between words. */
  clean?: TextCleaning;
  /** Default false (d2l): lines are concatenated with nothing between them. */
  keepNewlines?: boolean;
}

/**
 * Character tokens (Unicode code points). With the defaults this is d2l's Time Machine
 * tokenisation: each line d2l-cleaned, lines concatenated with nothing between them, so
 * empty lines vanish.
 */
export class CharTokenizer implements Tokenizer {
  readonly kind = "char" as const;
  readonly separator = "";
  readonly clean: TextCleaning;
  readonly keepNewlines: boolean;

  constructor(options: CharTokenizerOptions = {}) {
    this.clean = options.clean ?? "d2l";
    this.keepNewlines = options.keepNewlines ?? false;
  }

  tokenizeLine(line: string, emit: (token: string) => void, terminated: boolean): void {
    const text =
      this.clean === "d2l"
        ? cleanD2l(line, { keepTrailingSpace: !terminated })
        : this.clean === "lower"
          ? line.toLowerCase()
          : line;
    if (this.clean === "d2l") {
      // Cleaned text is ASCII: index by code unit, no iterator needed.
      for (let i = 0; i < text.length; i++) emit(text[i]);
    } else {
      for (const ch of text) emit(ch);
    }
    if (terminated && this.keepNewlines) emit("\n");
  }

  tokenize(text: string): string[] {
    return tokenizeText(this, text);
  }

  toJSON(): CharTokenizerSpec {
    return { kind: "char", clean: this.clean, keepNewlines: this.keepNewlines };
  }
}
