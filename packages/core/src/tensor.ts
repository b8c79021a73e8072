import { ShapeError } from "./errors.js";

export type DType = "float32" | "float64" | "int32";
export type TypedArrayFor<D extends DType> = D extends "float32"
  ? Float32Array
  : D extends "float64"
    ? Float64Array
    : Int32Array;
export type NumericArray = Float32Array | Float64Array | Int32Array;

/**
 * The little a backend's tensors must offer core: shape, dtype, reads, disposal.
 * Backends wrap their own tensors (tfjs `tf.Tensor`, ORT `Tensor`) in this.
 */
export interface Tensor<D extends DType = DType> {
  readonly shape: readonly number[];
  readonly dtype: D;
  /** Copies the values to host memory. */
  data(): Promise<TypedArrayFor<D>>;
  /** Synchronous read; may block on GPU backends. */
  dataSync(): TypedArrayFor<D>;
  /** Frees device memory; reading afterwards is an error. */
  dispose(): void;
  readonly isDisposed: boolean;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function dtypeOf(data: NumericArray): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  return "int32";
}

/** A tensor living in host memory: what the reference backend and ONNX Runtime on CPU hand out. */
export class HostTensor<D extends DType = DType> implements Tensor<D> {
  readonly shape: readonly number[];
  readonly dtype: D;
  private values: TypedArrayFor<D> | null;

  constructor(data: TypedArrayFor<D>, shape: readonly number[]) {
    if (sizeOf(shape) !== data.length) {
      throw new ShapeError(`tensor of shape [${shape.join(", ")}] needs ${sizeOf(shape)} values, got ${data.length}`);
    }
    this.shape = [...shape];
    this.dtype = dtypeOf(data) as D;
    this.values = data;
  }

  /** A float32 host tensor (the type parameter cannot be inferred through the constructor). */
  static float32(data: Float32Array, shape: readonly number[]): HostTensor<"float32"> {
    return new HostTensor<"float32">(data, shape);
  }

  static float64(data: Float64Array, shape: readonly number[]): HostTensor<"float64"> {
    return new HostTensor<"float64">(data, shape);
  }

  static int32(data: Int32Array, shape: readonly number[]): HostTensor<"int32"> {
    return new HostTensor<"int32">(data, shape);
  }

  get isDisposed(): boolean {
    return this.values === null;
  }

  dataSync(): TypedArrayFor<D> {
    if (this.values === null) throw new Error("tensor was disposed");
    return this.values;
  }

  async data(): Promise<TypedArrayFor<D>> {
    return this.dataSync();
  }

  dispose(): void {
    this.values = null;
  }
}
