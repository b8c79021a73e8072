import type { Tensor as CoreTensor } from "@rnnlm/core";
import { ShapeError } from "@rnnlm/core";
import * as tf from "@tensorflow/tfjs-core";

/** A tfjs float32 tensor seen through core's {@link CoreTensor} interface. */
export class TfjsTensor implements CoreTensor<"float32"> {
  readonly dtype = "float32" as const;
  readonly tensor: tf.Tensor;

  constructor(tensor: tf.Tensor) {
    if (tensor.dtype !== "float32") throw new ShapeError(`expected a float32 tensor, got ${tensor.dtype}`);
    this.tensor = tensor;
  }

  get shape(): readonly number[] {
    return this.tensor.shape;
  }

  get isDisposed(): boolean {
    return this.tensor.isDisposed;
  }

  async data(): Promise<Float32Array> {
    return (await this.tensor.data()) as Float32Array;
  }

  dataSync(): Float32Array {
    return this.tensor.dataSync() as Float32Array;
  }

  dispose(): void {
    this.tensor.dispose();
  }
}

/**
 * The tfjs tensor behind any core tensor: ours are used as they are, others (a
 * core `HostTensor`, another backend's) are copied in. The caller owns a copy
 * (`copied: true`) and must dispose it.
 */
export function toTf(
  value: CoreTensor,
  shape: readonly number[],
  what: string,
): { tensor: tf.Tensor; copied: boolean } {
  if (value.isDisposed) throw new ShapeError(`${what} was disposed; pass a live state (e.g. from beginState)`);
  if (value.shape.length !== shape.length || value.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`${what} has shape [${value.shape.join(", ")}], expected [${shape.join(", ")}]`);
  }
  if (value instanceof TfjsTensor) return { tensor: value.tensor, copied: false };
  const data = value.dataSync();
  return { tensor: tf.tensor(Float32Array.from(data), [...shape], "float32"), copied: true };
}
