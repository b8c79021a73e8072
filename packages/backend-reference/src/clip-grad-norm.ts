import type { Parameters } from "./parameters.js";

/**
 * Global-norm clipping exactly as PyTorch's `torch.nn.utils.clip_grad_norm_` (L2, no foreach):
 *
 *     norm = √(Σ over every parameter and element of g²)
 *     g ← g · min(1, maxNorm / (norm + 1e-6))
 *
 * over the gradients of `names` (the distinct parameters; a tied matrix counts once).
 * `maxNorm` null leaves the gradients alone. Returns the norm before clipping.
 */
export function clipGradNorm(grads: Parameters, names: readonly string[], maxNorm: number | null): number {
  let sumSquares = 0;
  for (const name of names) for (const g of grads[name]) sumSquares += g * g;
  const norm = Math.sqrt(sumSquares);
  if (maxNorm !== null) {
    const coef = Math.min(1, maxNorm / (norm + 1e-6));
    for (const name of names) {
      const g = grads[name];
      for (let i = 0; i < g.length; i++) g[i] *= coef;
    }
  }
  return norm;
}
