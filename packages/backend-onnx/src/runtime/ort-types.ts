import type { Env, InferenceSession, Tensor } from "onnxruntime-web";

export type OrtSession = InferenceSession;
export type OrtTensor = Tensor;
export type OrtSessionOptions = InferenceSession.SessionOptions;

/**
 * The part of an ONNX Runtime module (`onnxruntime-node` or `onnxruntime-web`, which share
 * `onnxruntime-common`'s API) that rnnlm uses. Imported as types only, so no runtime is loaded
 * until a device is initialised.
 */
export interface OrtModule {
  readonly env: Env;
  readonly InferenceSession: {
    create(buffer: Uint8Array, options?: OrtSessionOptions): Promise<InferenceSession>;
  };
  readonly Tensor: {
    new (type: "int32", data: Int32Array, dims: readonly number[]): Tensor;
    new (type: "float32", data: Float32Array, dims: readonly number[]): Tensor;
    new (type: "int64", data: BigInt64Array, dims: readonly number[]): Tensor;
  };
}
