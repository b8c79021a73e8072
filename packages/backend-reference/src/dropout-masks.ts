import type { ModelSpec, SeededRandom } from "@rnnlm/core";
import { inputSize } from "@rnnlm/core";

/**
 * Inverted-dropout masks, one value per element, time-major: element j of row (t, b) sits at
 * `(t·batch + b)·width + j`. Each value is 0 (dropped, probability p) or 1/(1 − p), so the
 * expected activation is unchanged and evaluation needs no rescaling. `null` = no dropout there.
 */
export interface DropoutMasks {
  /** On the first layer's input (embedding or one-hot), width = input size. */
  readonly input: Float64Array | null;
  /** `between[k]` on layer k's output before layer k + 1, width = H (length numLayers − 1). */
  readonly between: ReadonlyArray<Float64Array | null>;
  /** On the last layer's output before the decoder, width = H. */
  readonly output: Float64Array | null;
}

export function noDropout(spec: ModelSpec): DropoutMasks {
  return { input: null, between: Array.from({ length: spec.numLayers - 1 }, () => null), output: null };
}

/** A mask of `n` values: element kept (1/(1 − p)) when `rng.uniform() >= p`, else 0. */
function drawMask(n: number, p: number, rng: SeededRandom): Float64Array | null {
  if (p === 0) return null;
  const mask = new Float64Array(n);
  const scale = 1 / (1 - p);
  for (let i = 0; i < n; i++) mask[i] = rng.uniform() >= p ? scale : 0;
  return mask;
}

/**
 * Draws the masks for one training step, in a fixed order so a seed reproduces them:
 * input, then between layers 0 … numLayers − 2, then output (a place with p = 0 draws nothing).
 */
export function drawDropoutMasks(spec: ModelSpec, steps: number, batch: number, rng: SeededRandom): DropoutMasks {
  const rows = steps * batch;
  const H = spec.hiddenSize;
  const input = drawMask(rows * inputSize(spec), spec.dropout.input, rng);
  const between = Array.from({ length: spec.numLayers - 1 }, () => drawMask(rows * H, spec.dropout.between, rng));
  const output = drawMask(rows * H, spec.dropout.output, rng);
  return { input, between, output };
}
