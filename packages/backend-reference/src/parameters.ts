import type { ModelSpec } from "@rnnlm/core";
import { parameterNames } from "@rnnlm/core/backend";

/**
 * The trainable parameters in float64, keyed by {@link parameterNames} (tied models have no
 * `decoder.weight` entry: the decoder reads `encoder.weight`).
 */
export type Parameters = Record<string, Float64Array>;

/** The decoder matrix (V, H): `encoder.weight` when tied. */
export function decoderWeight(spec: ModelSpec, params: Parameters): Float64Array {
  return params[spec.tied ? "encoder.weight" : "decoder.weight"];
}

/** Zero arrays shaped like `params` (gradient accumulators). */
export function zerosLike(spec: ModelSpec, params: Parameters): Parameters {
  const out: Parameters = {};
  for (const name of parameterNames(spec)) out[name] = new Float64Array(params[name].length);
  return out;
}
