import { ShapeError } from "./errors.js";
import type { SeededRandom } from "./random.js";
import { DEFAULT_INIT_SCALE, gateCount, inputSize, type ModelSpec } from "./spec.js";
import { sizeOf } from "./tensor.js";

/** One named weight in host memory, row-major. */
export interface WeightTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/**
 * Weights keyed by their canonical (PyTorch `word_language_model`) names:
 * `encoder.weight`, `rnn.weight_ih_l{k}`, `rnn.weight_hh_l{k}`, `rnn.bias_ih_l{k}`,
 * `rnn.bias_hh_l{k}`, `decoder.weight`, `decoder.bias`. Gate blocks in PyTorch order
 * (LSTM i, f, g, o; GRU r, z, n). With tied weights both `encoder.weight` and
 * `decoder.weight` are present and equal.
 */
export type Weights = Record<string, WeightTensor>;

/** Every canonical weight name with its shape, in PyTorch `state_dict` order. */
export function canonicalWeightShapes(spec: ModelSpec): Array<[name: string, shape: number[]]> {
  const H = spec.hiddenSize;
  const G = gateCount(spec.cell) * H;
  const out: Array<[string, number[]]> = [];
  if (spec.embeddingSize !== null) out.push(["encoder.weight", [spec.vocabSize, spec.embeddingSize]]);
  for (let k = 0; k < spec.numLayers; k++) {
    const inSize = k === 0 ? inputSize(spec) : H;
    out.push([`rnn.weight_ih_l${k}`, [G, inSize]]);
    out.push([`rnn.weight_hh_l${k}`, [G, H]]);
    out.push([`rnn.bias_ih_l${k}`, [G]]);
    out.push([`rnn.bias_hh_l${k}`, [G]]);
  }
  out.push(["decoder.weight", [spec.vocabSize, H]]);
  out.push(["decoder.bias", [spec.vocabSize]]);
  return out;
}

/**
 * Names of the distinct trainable parameters: the canonical names less `decoder.weight`
 * when tied (it is `encoder.weight`). Gradients, optimizer state and the clipping norm
 * are over these, as PyTorch's `model.parameters()` is.
 */
export function parameterNames(spec: ModelSpec): string[] {
  return canonicalWeightShapes(spec)
    .map(([name]) => name)
    .filter((name) => !(spec.tied && name === "decoder.weight"));
}

/** Total number of trainable scalars. */
export function parameterCount(spec: ModelSpec): number {
  const shapes = new Map(canonicalWeightShapes(spec));
  return parameterNames(spec).reduce((n, name) => n + sizeOf(shapes.get(name) ?? []), 0);
}

/**
 * Checks that `weights` holds exactly the canonical names with the right shapes
 * (tied: `decoder.weight` may be absent, or must equal `encoder.weight`).
 * Throws a {@link ShapeError} naming the first problem.
 */
export function validateWeights(spec: ModelSpec, weights: Weights): void {
  const expected = canonicalWeightShapes(spec);
  const names = new Set(expected.map(([n]) => n));
  for (const name of Object.keys(weights)) {
    if (!names.has(name)) {
      throw new ShapeError(`unexpected weight "${name}" for this model spec (expected: ${[...names].join(", ")})`);
    }
  }
  for (const [name, shape] of expected) {
    const w = weights[name];
    if (w === undefined) {
      if (spec.tied && name === "decoder.weight") continue;
      throw new ShapeError(`missing weight "${name}" (shape [${shape.join(", ")}])`);
    }
    if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
      throw new ShapeError(`weight "${name}" has shape [${w.shape.join(", ")}], expected [${shape.join(", ")}]`);
    }
    if (w.data.length !== sizeOf(shape)) {
      throw new ShapeError(`weight "${name}" holds ${w.data.length} values, its shape needs ${sizeOf(shape)}`);
    }
  }
  if (spec.tied && weights["decoder.weight"] !== undefined) {
    const enc = weights["encoder.weight"].data;
    const dec = weights["decoder.weight"].data;
    for (let i = 0; i < enc.length; i++) {
      if (enc[i] !== dec[i]) {
        throw new ShapeError("tied model: decoder.weight differs from encoder.weight; they must be the same matrix");
      }
    }
  }
}

/** Adds `decoder.weight` (a copy of `encoder.weight`) for tied models, so files carry both keys. */
export function withTiedDecoder(spec: ModelSpec, weights: Weights): Weights {
  if (!spec.tied || weights["decoder.weight"] !== undefined) return weights;
  const enc = weights["encoder.weight"];
  return { ...weights, "decoder.weight": { shape: [...enc.shape], data: enc.data.slice() } };
}

/**
 * Fresh float32 weights for `spec` under its init scheme, drawn from `rng` in canonical
 * order (so a seed gives the same weights on every backend).
 */
export function initWeights(spec: ModelSpec, rng: SeededRandom): Weights {
  const weights: Weights = {};
  const H = spec.hiddenSize;
  // Each draws the n values of one weight, in order.
  const uniform = (bound: number) => (n: number) => {
    const u = rng.uniforms(n);
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = (u[i] * 2 - 1) * bound;
    return a;
  };
  const normal = (std: number) => (n: number) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.normal() * std;
    return a;
  };
  const zero = (n: number) => new Float32Array(n);
  for (const [name, shape] of canonicalWeightShapes(spec)) {
    if (spec.tied && name === "decoder.weight") continue;
    const isBias = name.includes("bias");
    let draw: (n: number) => Float32Array;
    if (spec.init === "uniform") {
      draw = uniform(spec.initScale ?? DEFAULT_INIT_SCALE);
    } else if (spec.init === "gluon") {
      // Canonical shapes are [out, in], as MXNet's; Xavier "avg" with magnitude 3.
      if (isBias) draw = zero;
      else if (name === "encoder.weight") draw = uniform(0.1);
      else draw = uniform(Math.sqrt(6 / (shape[0] + shape[1])));
    } else if (spec.init === "d2l") {
      draw = isBias ? zero : normal(0.01);
    } else if (name === "encoder.weight") {
      draw = spec.init === "word-lm" ? uniform(0.1) : normal(1);
    } else if (name.startsWith("decoder.")) {
      if (spec.init === "word-lm") draw = isBias ? zero : uniform(0.1);
      else draw = uniform(1 / Math.sqrt(H));
    } else {
      draw = uniform(1 / Math.sqrt(H));
    }
    weights[name] = { shape, data: draw(sizeOf(shape)) };
  }
  return withTiedDecoder(spec, weights);
}
