import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { nonNegativeInteger } from "./check-option.js";
import { DataError } from "./errors.js";

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Throws unless `seed` is a safe integer. */
export function checkSeed(seed: number): number {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new DataError("ERR_INVALID_OPTION", `seed must be an integer, got ${String(seed)}`);
  }
  return seed;
}

/**
 * A generator that depends only on (seed, epoch), so epoch e of a resumed run draws exactly
 * what it drew in an uninterrupted run, whatever epochs came before.
 */
export function epochRandom(seed: number, epoch: number): RandomGenerator {
  nonNegativeInteger("epoch", epoch);
  const lo = seed | 0;
  const hi = Math.floor(seed / 0x1_0000_0000) | 0;
  return xoroshiro128plus(fmix32(lo ^ fmix32(hi ^ fmix32((epoch + 0x9e3779b9) | 0))));
}
