import * as tf from "@tensorflow/tfjs-core";

/**
 * Tensors computed from parameters only (the decoder transposed, a layer's folded input bias, the
 * recurrent matrix cut into gate blocks): `make()` for `key`, or what an earlier call made from
 * the same `sources`. Without a cache every forward call remakes them: during generation (one
 * step per call) that cost more than the step, and on tfjs-backend-wasm each new weight tensor
 * also makes XNNPACK repack it for its matmul.
 */
export type Derive = <T extends tf.Tensor>(key: string, sources: readonly tf.Tensor[], make: () => T[]) => T[];

/** No cache: make them every call (training, where the parameters change every step). */
export const deriveEveryCall: Derive = (_key, _sources, make) => make();

/**
 * Keeps derived tensors between calls. tfjs tensors are immutable and every weight change (a
 * training step, setWeights) stores new parameter tensors, so an entry made from other source
 * tensors than the ones asked with is stale: it is disposed and made again.
 */
export class DerivedTensorCache {
  private readonly entries = new Map<string, { sources: readonly tf.Tensor[]; tensors: tf.Tensor[] }>();

  readonly derive: Derive = <T extends tf.Tensor>(key: string, sources: readonly tf.Tensor[], make: () => T[]) => {
    const entry = this.entries.get(key);
    if (
      entry !== undefined &&
      entry.sources.length === sources.length &&
      entry.sources.every((s, i) => s === sources[i])
    ) {
      return entry.tensors as T[];
    }
    for (const t of entry?.tensors ?? []) t.dispose();
    // Kept: made inside the caller's tf.tidy, they must outlive it.
    const tensors = make().map((t) => tf.keep(t));
    this.entries.set(key, { sources: [...sources], tensors });
    return tensors;
  };

  dispose(): void {
    for (const { tensors } of this.entries.values()) for (const t of tensors) t.dispose();
    this.entries.clear();
  }
}
