import { DataError } from "./errors.js";

/** Throws one clear error when `length` < `minimum` tokens, saying the minimum and why. */
export function requireTokens(length: number, minimum: number, what: string, why: string): void {
  if (length < minimum) {
    throw new DataError(
      "ERR_CORPUS_TOO_SHORT",
      `corpus of ${length} tokens is too short for ${what}: it needs at least ${minimum} tokens (${why}); ` +
        "use a smaller batch size or fewer steps, or a longer corpus",
    );
  }
}
