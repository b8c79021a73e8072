import type { SeededRandom } from "./random.js";
import { inputSize, type ModelSpec } from "./spec.js";

/**
 * Inverted-dropout masks for one training step. Every backend draws them here, on the host,
 * from its {@link SeededRandom}, so the same seed drops the same units on every backend and a
 * restored random state makes a resumed run draw the same masks.
 *
 * Each value is 0 (dropped, when `uniform() < p`) or 1/(1 − p), so the expected activation is
 * unchanged and evaluation needs no rescaling. Layout: element j of time-major row (t, b) sits
 * at `(t·batch + b)·width + j`. `null` = no dropout at that place.
 */
export interface DropoutMasks<A extends Float32Array | Float64Array = Float32Array> {
  /** On the first layer's input, width = input size (the full vocabulary for one-hot input). */
  readonly input: A | null;
  /** `between[k]` on layer k's output before layer k + 1, width = hidden (numLayers − 1 entries). */
  readonly between: ReadonlyArray<A | null>;
  /** On the last layer's output before the decoder, width = hidden. */
  readonly output: A | null;
}

/** True when the spec drops anything during training. */
export function hasDropout(spec: ModelSpec): boolean {
  const { input, between, output } = spec.dropout;
  return input > 0 || (between > 0 && spec.numLayers > 1) || output > 0;
}

/** Masks that drop nothing (evaluation, or a spec without dropout). */
export function noDropout<A extends Float32Array | Float64Array = Float32Array>(spec: ModelSpec): DropoutMasks<A> {
  return { input: null, between: Array.from({ length: spec.numLayers - 1 }, () => null), output: null };
}

/**
 * Draws one step's masks in a fixed order — input, then between layers 0 … numLayers − 2, then
 * output; a place with p = 0 draws nothing — as float32 (default) or float64 values.
 */
export function drawDropoutMasks(spec: ModelSpec, steps: number, batch: number, rng: SeededRandom): DropoutMasks;
export function drawDropoutMasks(
  spec: ModelSpec,
  steps: number,
  batch: number,
  rng: SeededRandom,
  precision: "float64",
): DropoutMasks<Float64Array>;
export function drawDropoutMasks(
  spec: ModelSpec,
  steps: number,
  batch: number,
  rng: SeededRandom,
  precision: "float32" | "float64" = "float32",
): DropoutMasks<Float32Array> | DropoutMasks<Float64Array> {
  const draw = (n: number, p: number) => {
    if (p === 0) return null;
    const mask = precision === "float64" ? new Float64Array(n) : new Float32Array(n);
    rng.bernoulliMask(mask, p, 1 / (1 - p));
    return mask;
  };
  const rows = steps * batch;
  const H = spec.hiddenSize;
  const input = draw(rows * inputSize(spec), spec.dropout.input);
  const between = Array.from({ length: spec.numLayers - 1 }, () => draw(rows * H, spec.dropout.between));
  const output = draw(rows * H, spec.dropout.output);
  return { input, between, output } as DropoutMasks<Float32Array> | DropoutMasks<Float64Array>;
}
