import { CharTokenizer } from "./char-tokenizer.js";
import { DataError } from "./errors.js";
import { TEXT_CLEANINGS, type TextCleaning, type Tokenizer, type TokenizerSpec } from "./tokenizer.js";
import { WordTokenizer } from "./word-tokenizer.js";

function fail(problem: string): never {
  throw new DataError(
    "ERR_CODEC_JSON",
    `invalid tokenizer description: ${problem}; expected {"kind":"char","clean":"d2l"|"lower"|"none","keepNewlines":boolean} ` +
      `or {"kind":"word","clean":"d2l"|"lower"|"none","eos":string|null}`,
  );
}

/** Rebuilds a tokenizer from its {@link TokenizerSpec} (as `toJSON()` wrote it), validating it. */
export function createTokenizer(spec: unknown): Tokenizer {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) fail("not an object");
  const s = spec as Record<string, unknown>;
  // Codecs written before `clean` / `keepNewlines` were recorded were all d2l-cleaned, glued lines.
  const clean = s.clean === undefined ? "d2l" : s.clean;
  if (!TEXT_CLEANINGS.includes(clean as TextCleaning)) fail(`clean is ${JSON.stringify(s.clean)}`);
  if (s.kind === "char") {
    const keepNewlines = s.keepNewlines === undefined ? false : s.keepNewlines;
    if (typeof keepNewlines !== "boolean") fail("keepNewlines is not a boolean");
    return new CharTokenizer({ clean: clean as TextCleaning, keepNewlines });
  }
  if (s.kind === "word") {
    if (s.eos !== null && (typeof s.eos !== "string" || s.eos.length === 0 || /\s/.test(s.eos))) {
      fail("eos must be null or a non-empty string without whitespace");
    }
    return new WordTokenizer({ clean: clean as TextCleaning, eos: s.eos as string | null });
  }
  return fail(`kind is ${JSON.stringify(s.kind)}`);
}
