/**
 * Global-norm gradient clipping as PyTorch's `torch.nn.utils.clip_grad_norm_` defines it, in one
 * place so every backend scales by the same coefficient:
 *
 *     norm = √(Σ over every parameter and element of g²)
 *     g ← g · min(1, clip / (norm + 1e-6))
 *
 * Backends compute the norm's sum of squares in float64 (a float32 running sum over millions of
 * values drifts by 1e-4–1e-3 relative, which would make every clipped update that much too large).
 */

/** PyTorch's `clip_grad_norm_` epsilon: keeps the coefficient finite for a zero gradient. */
export const CLIP_EPSILON = 1e-6;

/** The factor a gradient of global norm `norm` is multiplied by; 1 without clipping (`clip` null). */
export function clipCoefficient(norm: number, clip: number | null): number {
  if (clip === null) return 1;
  return Math.min(1, clip / (norm + CLIP_EPSILON));
}

/**
 * Σ x² over every value of every array, accumulated in float64. Each float32 square is exact in
 * float64 (24-bit mantissas square to at most 48 bits), so the result is the true sum to float64
 * rounding — what the float64 reference computes.
 */
export function sumOfSquares(arrays: Iterable<ArrayLike<number>>): number {
  let total = 0;
  for (const values of arrays) {
    // Four partial sums: independent chains run faster; they differ from one chain only in float64 rounding.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    const n = values.length;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      const a = values[i];
      const b = values[i + 1];
      const c = values[i + 2];
      const d = values[i + 3];
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += d * d;
    }
    for (; i < n; i++) s0 += values[i] * values[i];
    total += s0 + s1 + s2 + s3;
  }
  return total;
}
