import type { ModelSpec, SeededRandom } from "@rnnlm/core";
import { inputSize } from "@rnnlm/core";

/**
 * Inverted-dropout masks for one training step, drawn on the host from the model's
 * {@link SeededRandom} so saving its state makes a resumed run draw the same masks.
 * Each entry is 0 (dropped, when `uniform() < p`) or 1/(1 − p), row-major over
 * time-major rows. Draw order: input (T·B × input width, the full one-hot width when
 * the input is one-hot), then between layers 0…L−2 (T·B × H each), then output (T·B × H).
 */
export interface DropoutMasks {
  readonly input: Float32Array | null;
  readonly between: readonly (Float32Array | null)[];
  readonly output: Float32Array | null;
}

function draw(rng: SeededRandom, size: number, p: number): Float32Array | null {
  if (p === 0) return null;
  const keep = 1 / (1 - p);
  const mask = new Float32Array(size);
  for (let i = 0; i < size; i++) mask[i] = rng.uniform() < p ? 0 : keep;
  return mask;
}

/** Masks for a (steps × batch) training step, or null when the spec has no dropout. */
export function drawDropoutMasks(
  spec: ModelSpec,
  rng: SeededRandom,
  steps: number,
  batch: number,
): DropoutMasks | null {
  const { input, between, output } = spec.dropout;
  if (input === 0 && between === 0 && output === 0) return null;
  const rows = steps * batch;
  const H = spec.hiddenSize;
  const inputMask = draw(rng, rows * inputSize(spec), input);
  const betweenMasks: (Float32Array | null)[] = [];
  for (let k = 0; k < spec.numLayers - 1; k++) betweenMasks.push(draw(rng, rows * H, between));
  return { input: inputMask, between: betweenMasks, output: draw(rng, rows * H, output) };
}
