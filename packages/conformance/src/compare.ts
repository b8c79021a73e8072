/**
 * The comparison every conformance check uses: for actual a and expected b,
 *
 *     error = max over i of |a_i − b_i| / max(|b_i|, floor),
 *     floor = max(floorFraction · max_j |b_j|, absoluteFloor)
 *
 * i.e. a relative error per element, except that elements smaller than `floorFraction`
 * (default 0.1) of the tensor's largest are measured against that floor, so values that are
 * nearly zero do not turn rounding noise into huge relative errors. A NaN or infinite actual
 * value gives an infinite error.
 *
 * Why 0.1: float32 rounding leaves an absolute error of about 1 ulp of the tensor's largest
 * values on every element (an element near zero is a difference of large terms). Measured
 * with PyTorch float32 against the fixtures, the worst errors at the default tolerances are
 * 0.13 of tolerance with a floor of 0.1, 0.26 with 0.05, 1.3 with 0.01 and 4.4 with 0.001
 * (`scripts/check-fixtures-pytorch.py --float32` in @rnnlm/backend-reference). A wrong gate
 * order, formula or optimizer rule gives errors of order 1, far above any of these.
 */
export interface CompareOptions {
  /** Fraction of the tensor's largest |expected| below which errors are absolute (default 0.1). */
  readonly floorFraction?: number;
  /** Smallest floor, for tensors that are all (nearly) zero (default 1e-12). */
  readonly absoluteFloor?: number;
}

export const DEFAULT_FLOOR_FRACTION = 0.1;
export const DEFAULT_ABSOLUTE_FLOOR = 1e-12;

export interface Comparison {
  /** The largest error (see {@link compareArrays}); 0 for empty arrays. */
  readonly maxError: number;
  /** Where it is (-1 for empty arrays), and the two values there. */
  readonly index: number;
  readonly actual: number;
  readonly expected: number;
  /** The floor used for this tensor. */
  readonly floor: number;
  readonly count: number;
}

/** Compares two equally long arrays (see {@link CompareOptions} for the metric). */
export function compareArrays(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  options: CompareOptions = {},
): Comparison {
  if (actual.length !== expected.length) {
    throw new Error(`cannot compare ${actual.length} values with ${expected.length} expected values`);
  }
  let largest = 0;
  for (let i = 0; i < expected.length; i++) largest = Math.max(largest, Math.abs(expected[i]));
  const floor = Math.max(
    (options.floorFraction ?? DEFAULT_FLOOR_FRACTION) * largest,
    options.absoluteFloor ?? DEFAULT_ABSOLUTE_FLOOR,
  );
  let worst: Comparison = { maxError: 0, index: -1, actual: 0, expected: 0, floor, count: actual.length };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const b = expected[i];
    const error = Number.isFinite(a) ? Math.abs(a - b) / Math.max(Math.abs(b), floor) : Number.POSITIVE_INFINITY;
    if (error > worst.maxError || worst.index === -1)
      worst = { maxError: error, index: i, actual: a, expected: b, floor, count: actual.length };
  }
  return worst;
}

/** One line naming the tensor, the error against the tolerance and the worst element. */
export function describeComparison(name: string, c: Comparison, tolerance: number, shape?: readonly number[]): string {
  const where = shape === undefined ? `[${c.index}]` : `[${unravel(c.index, shape).join(", ")}]`;
  return (
    `${name}: max relative error ${c.maxError.toExponential(3)} (tolerance ${tolerance.toExponential(1)}); ` +
    `worst element ${where} of ${c.count}: actual ${c.actual}, expected ${c.expected} (floor ${c.floor.toExponential(2)})`
  );
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out: number[] = new Array(shape.length).fill(0);
  let rest = Math.max(index, 0);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
  }
  return out;
}

/**
 * Throws an Error described by {@link describeComparison} when the arrays differ by more
 * than `tolerance`; returns the comparison otherwise.
 */
export function expectClose(
  name: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tolerance: number,
  options: CompareOptions & { shape?: readonly number[] } = {},
): Comparison {
  const c = compareArrays(actual, expected, options);
  if (!(c.maxError <= tolerance)) throw new Error(describeComparison(name, c, tolerance, options.shape));
  return c;
}
