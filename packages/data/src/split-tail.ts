import { DataError } from "./errors.js";

/** Checks a validation fraction: a number with 0 ≤ fraction < 1 (0: no split). */
export function validFractionOf(value: number | undefined): number {
  const fraction = value ?? 0;
  if (typeof fraction !== "number" || !Number.isFinite(fraction) || fraction < 0 || fraction >= 1) {
    throw new DataError(
      "ERR_INVALID_OPTION",
      `validFraction must be a number from 0 (no split) up to but excluding 1, got ${String(value)}; e.g. 0.1 keeps the last 10 % for validation`,
    );
  }
  return fraction;
}

/**
 * Splits one token stream into train and validation the way nanoGPT and char-rnn do: the
 * first `floor(n · (1 − fraction))` tokens train, the contiguous tail validates. No shuffling,
 * so the split is the same on every run and the two parts never share a position.
 */
export function splitTail(ids: Int32Array, fraction: number): { train: Int32Array; valid: Int32Array } {
  const f = validFractionOf(fraction);
  const trainLength = Math.floor(ids.length * (1 - f));
  // Each part must hold at least one input and its target.
  if (f === 0 || trainLength < 2 || ids.length - trainLength < 2) {
    throw new DataError(
      "ERR_CORPUS_TOO_SHORT",
      `a validation fraction of ${fraction} splits ${ids.length} tokens into ${trainLength} train and ${ids.length - trainLength} validation tokens; ` +
        "each part needs at least 2, so choose a fraction between 0 and 1 that leaves both parts that long, or a longer text",
    );
  }
  return { train: ids.subarray(0, trainLength), valid: ids.subarray(trainLength) };
}
