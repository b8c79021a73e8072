/**
 * The few dense operations the reference backend needs, on row-major float64 arrays.
 * Zero entries of the vector operand are skipped, so one-hot inputs cost one column.
 */

/** `out += W·x` for `W` of shape (out.length, x.length). */
export function addMatVec(out: Float64Array, W: Float64Array, x: Float64Array): void {
  const cols = x.length;
  for (let j = 0; j < cols; j++) {
    const xj = x[j];
    if (xj === 0) continue;
    for (let i = 0; i < out.length; i++) out[i] += W[i * cols + j] * xj;
  }
}

/** `out += Wᵀ·v` for `W` of shape (v.length, out.length). */
export function addMatTVec(out: Float64Array, W: Float64Array, v: Float64Array): void {
  const cols = out.length;
  for (let i = 0; i < v.length; i++) {
    const vi = v[i];
    if (vi === 0) continue;
    for (let j = 0; j < cols; j++) out[j] += W[i * cols + j] * vi;
  }
}

/** `G += u·vᵀ` for `G` of shape (u.length, v.length). */
export function addOuter(G: Float64Array, u: Float64Array, v: Float64Array): void {
  const cols = v.length;
  for (let i = 0; i < u.length; i++) {
    const ui = u[i];
    if (ui === 0) continue;
    for (let j = 0; j < cols; j++) G[i * cols + j] += ui * v[j];
  }
}

/** `out += x`. */
export function addInPlace(out: Float64Array, x: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] += x[i];
}

/** Elementwise product `x ⊙ mask` as a new array (a copy of `x` when `mask` is null). */
export function masked(x: Float64Array, mask: Float64Array | null): Float64Array {
  const out = Float64Array.from(x);
  if (mask !== null) for (let i = 0; i < out.length; i++) out[i] *= mask[i];
  return out;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}
