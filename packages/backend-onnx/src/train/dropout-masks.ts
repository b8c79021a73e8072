import { inputSize, type ModelSpec, type SeededRandom } from "@rnnlm/core";

/**
 * Inverted-dropout masks for one training step, drawn on the host from the model's
 * {@link SeededRandom} exactly as the reference backend draws them: element kept (value
 * 1/(1 − p)) when `uniform() ≥ p`, else 0; row-major over time-major rows; drawn in the order
 * input (steps·batch × input width, the full one-hot width for one-hot input), between layers
 * 0 … L−2 (steps·batch × hidden each), output; a place with p = 0 draws nothing.
 */
export interface DropoutMasks {
  readonly input: Float32Array | null;
  readonly between: readonly (Float32Array | null)[];
  readonly output: Float32Array | null;
}

function drawMask(n: number, p: number, rng: SeededRandom): Float32Array | null {
  if (p === 0) return null;
  const keep = 1 / (1 - p);
  const mask = new Float32Array(n);
  for (let i = 0; i < n; i++) mask[i] = rng.uniform() >= p ? keep : 0;
  return mask;
}

export function drawDropoutMasks(spec: ModelSpec, steps: number, batch: number, rng: SeededRandom): DropoutMasks {
  const rows = steps * batch;
  const H = spec.hiddenSize;
  const input = drawMask(rows * inputSize(spec), spec.dropout.input, rng);
  const between = Array.from({ length: spec.numLayers - 1 }, () => drawMask(rows * H, spec.dropout.between, rng));
  const output = drawMask(rows * H, spec.dropout.output, rng);
  return { input, between, output };
}
