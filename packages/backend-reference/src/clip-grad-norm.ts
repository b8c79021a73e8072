import { clipCoefficient, sumOfSquares } from "@rnnlm/core/backend";
import type { Parameters } from "./parameters.js";

/**
 * Global-norm clipping exactly as PyTorch's `torch.nn.utils.clip_grad_norm_` (core's
 * `clipCoefficient`) over the gradients of `names` (the distinct parameters; a tied matrix counts
 * once). `maxNorm` null leaves the gradients alone. Returns the norm before clipping.
 */
export function clipGradNorm(grads: Parameters, names: readonly string[], maxNorm: number | null): number {
  const norm = Math.sqrt(sumOfSquares(names.map((name) => grads[name])));
  const coef = clipCoefficient(norm, maxNorm);
  if (coef !== 1) {
    for (const name of names) {
      const g = grads[name];
      for (let i = 0; i < g.length; i++) g[i] *= coef;
    }
  }
  return norm;
}
