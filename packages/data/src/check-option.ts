import { DataError } from "./errors.js";

/** Returns `value` when it is an integer ≥ 1, otherwise throws one clear {@link DataError}. */
export function positiveInteger(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new DataError("ERR_INVALID_OPTION", `${name} must be a positive integer, got ${String(value)}`);
  }
  return value;
}

/** Returns `value` when it is an integer ≥ 0, otherwise throws one clear {@link DataError}. */
export function nonNegativeInteger(name: string, value: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new DataError("ERR_INVALID_OPTION", `${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/**
 * A token limit: a positive integer, or `Infinity` / `undefined` for no limit. Returns the
 * limit as a number (`Infinity` when unlimited).
 */
export function tokenLimit(name: string, value: number | undefined): number {
  if (value === undefined || value === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  return positiveInteger(name, value);
}
