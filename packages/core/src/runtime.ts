import type { Model, TrainableModel } from "./model.js";
import type { TrainingOptions } from "./optimizer.js";
import type { ModelSpec } from "./spec.js";
import type { Weights } from "./weights.js";

/** What a model is asked to do on a backend. */
export type Capability = "train" | "infer";

/** One device a backend offers (e.g. tfjs `cuda`, `wasm`, `cpu`; onnx `cpu`, `cuda`, `wasm`, `webgpu`). */
export interface BackendDevice {
  readonly name: string;
  readonly capabilities: readonly Capability[];
  /**
   * How fast this device is for each capability relative to every other backend's devices;
   * `auto` tries devices in descending priority. Roughly: native GPU 100, multi-threaded
   * CPU kernels 50–80, single-threaded WASM 30, pure JS 10, the float64 reference 0.
   */
  readonly priority: Partial<Record<Capability, number>>;
}

export interface BackendInitOptions {
  /**
   * CPU threads for the device's kernels (ONNX Runtime's intra-op threads, ORT Web's WASM
   * threads). Undefined: the device's default, which its `description` states. Training is
   * deterministic for a given thread count on every backend; a device without threads (the
   * reference, tfjs's WASM build in Node) runs one and says so in its description.
   */
  readonly threads?: number;
}

export interface CreateModelOptions {
  /** Start from these weights instead of a fresh initialisation. */
  readonly weights?: Weights;
  /** Seeds the initialisation when `weights` is absent. */
  readonly seed?: number;
}

export interface CreateTrainableModelOptions extends CreateModelOptions {
  readonly training: TrainingOptions;
}

/** A backend with one device loaded: it makes models. */
export interface BackendRuntime {
  readonly backend: string;
  readonly device: string;
  /** `backend:device`, the string users write. */
  readonly id: string;
  readonly capabilities: readonly Capability[];
  /** Human-readable detail (runtime version, execution provider, threads). */
  readonly description: string;
  createModel(spec: ModelSpec, options?: CreateModelOptions): Promise<Model>;
  /** Present when `capabilities` includes "train". */
  createTrainableModel?(spec: ModelSpec, options: CreateTrainableModelOptions): Promise<TrainableModel>;
}

/** A runtime that can train: what `resolveBackend(hints, { capability: "train" })` returns. */
export interface TrainingRuntime extends BackendRuntime {
  createTrainableModel(spec: ModelSpec, options: CreateTrainableModelOptions): Promise<TrainableModel>;
}

/**
 * A pluggable backend, registered with {@link registerBackend}. `init` loads one device
 * and throws (with a reason a user can act on) when it cannot.
 */
export interface Backend {
  readonly name: string;
  readonly devices: readonly BackendDevice[];
  init(device: string, options?: BackendInitOptions): Promise<BackendRuntime>;
}
