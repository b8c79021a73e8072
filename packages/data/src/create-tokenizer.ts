import { CharTokenizer } from "./char-tokenizer.js";
import { DataError } from "./errors.js";
import type { Tokenizer, TokenizerSpec } from "./tokenizer.js";
import { WordTokenizer } from "./word-tokenizer.js";

function fail(problem: string): never {
  throw new DataError(
    "ERR_CODEC_JSON",
    `invalid tokenizer description: ${problem}; expected {"kind":"char","clean":"d2l"|"none","keepNewlines":boolean} ` +
      `or {"kind":"word","clean":"d2l"|"none","eos":string|null}`,
  );
}

/** Rebuilds a tokenizer from its {@link TokenizerSpec} (as `toJSON()` wrote it), validating it. */
export function createTokenizer(spec: unknown): Tokenizer {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) fail("not an object");
  const s = spec as Record<string, unknown>;
  if (s.clean !== "d2l" && s.clean !== "none") fail(`clean is ${JSON.stringify(s.clean)}`);
  if (s.kind === "char") {
    if (typeof s.keepNewlines !== "boolean") fail("keepNewlines is not a boolean");
    return new CharTokenizer({ clean: s.clean, keepNewlines: s.keepNewlines });
  }
  if (s.kind === "word") {
    if (s.eos !== null && (typeof s.eos !== "string" || s.eos.length === 0 || /\s/.test(s.eos))) {
      fail("eos must be null or a non-empty string without whitespace");
    }
    return new WordTokenizer({ clean: s.clean, eos: s.eos as string | null });
  }
  return fail(`kind is ${JSON.stringify(s.kind)}`);
}
