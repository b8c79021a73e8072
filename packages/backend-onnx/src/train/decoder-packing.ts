import type { ModelSpec } from "@rnnlm/core";
import { canonicalWeightShapes, parameterNames } from "@rnnlm/core/backend";

/**
 * The untied decoder as one (H + 1, V) parameter of the training graphs: `decoder.weight`
 * transposed with `decoder.bias` as its last row. The logits are then one MatMul of [top | 1]
 * (no bias input) and the weight and bias gradients one Gemm. On ORT's CPU kernels a Gemm's bias
 * input costs a broadcast copy over the whole (steps·batch, V) output (a 700 × 200 × 33,278
 * product took 53 ms with its bias, 42 packed), the bias gradient a separate pass over dlogits,
 * and the weight gradient came out faster transposed ([top | 1]ᵀ·dlogits, (201, 33,278): 48 ms;
 * dlogitsᵀ·[top | 1], (33,278, 201): 60 ms). The model keeps this layout between steps; weights,
 * gradients and optimizer state leave it in the canonical one. A tied decoder
 * (`encoder.weight`) is not packed.
 */
export const PACKED_DECODER = "decoder.packed";

const WEIGHT = "decoder.weight";
const BIAS = "decoder.bias";

/** Whether the training graphs of `spec` take the decoder packed. */
export function packsDecoder(spec: ModelSpec): boolean {
  return !spec.tied;
}

/** The training graphs' parameters in order, with their shapes: canonical, the decoder packed where it is. */
export function trainParameterShapes(spec: ModelSpec): Map<string, readonly number[]> {
  const canonical = new Map(canonicalWeightShapes(spec));
  const shapes = new Map<string, readonly number[]>();
  const packed = packsDecoder(spec);
  for (const name of parameterNames(spec)) {
    if (packed && name === WEIGHT) shapes.set(PACKED_DECODER, [spec.hiddenSize + 1, spec.vocabSize]);
    else if (!(packed && name === BIAS)) shapes.set(name, canonical.get(name) ?? []);
  }
  return shapes;
}

/** A float32 tensor as the training model stores it. */
export interface StoredTensor {
  readonly dims: readonly number[];
  data: Float32Array;
}

/**
 * Replaces `<prefix>decoder.weight` and `<prefix>decoder.bias` of `entries` by
 * `<prefix>decoder.packed` (the prefix names an optimizer buffer kind, e.g. `exp_avg.`), keeping
 * the order; entries without them are returned as they are.
 */
export function packDecoderEntries(entries: ReadonlyMap<string, StoredTensor>, prefix = ""): Map<string, StoredTensor> {
  const w = entries.get(prefix + WEIGHT);
  const b = entries.get(prefix + BIAS);
  if (w === undefined || b === undefined) return new Map(entries);
  const [V, H] = w.dims;
  const packed = new Float32Array((H + 1) * V);
  transpose(w.data, V, H, packed);
  packed.set(b.data, H * V);
  const out = new Map<string, StoredTensor>();
  for (const [key, value] of entries) {
    if (key === prefix + WEIGHT) out.set(prefix + PACKED_DECODER, { dims: [H + 1, V], data: packed });
    else if (key !== prefix + BIAS) out.set(key, value);
  }
  return out;
}

/** The inverse of {@link packDecoderEntries}: `<prefix>decoder.packed` back to weight and bias (copies). */
export function unpackDecoderEntries(
  entries: ReadonlyMap<string, StoredTensor>,
  prefix = "",
): Map<string, StoredTensor> {
  const out = new Map<string, StoredTensor>();
  for (const [key, value] of entries) {
    if (key !== prefix + PACKED_DECODER) {
      out.set(key, value);
      continue;
    }
    const [H1, V] = value.dims;
    const H = H1 - 1;
    const w = new Float32Array(V * H);
    transpose(value.data.subarray(0, H * V), H, V, w);
    out.set(prefix + WEIGHT, { dims: [V, H], data: w });
    out.set(prefix + BIAS, { dims: [V], data: value.data.slice(H * V) });
  }
  return out;
}

/** Writes the (rows, cols) row-major matrix `a` transposed into `into`, in cache-sized tiles. */
function transpose(a: Float32Array, rows: number, cols: number, into: Float32Array): void {
  const tile = 64;
  for (let r0 = 0; r0 < rows; r0 += tile) {
    const r1 = Math.min(rows, r0 + tile);
    for (let c0 = 0; c0 < cols; c0 += tile) {
      const c1 = Math.min(cols, c0 + tile);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) into[c * rows + r] = a[r * cols + c];
      }
    }
  }
}
