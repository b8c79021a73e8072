import {
  type BackendRuntime,
  type Capability,
  type CreateModelOptions,
  initWeights,
  type Model,
  type ModelSpec,
  parseModelSpec,
  SeededRandom,
} from "@rnnlm/core";
import { OnnxModel } from "./onnx-model.js";
import type { OrtEngine } from "./ort-engine.js";

/** An ONNX Runtime device loaded by {@link onnxBackend}: it builds {@link OnnxModel}s. */
export class OnnxRuntime implements BackendRuntime {
  readonly backend = "onnx";
  readonly id: string;
  readonly capabilities: readonly Capability[] = ["infer"];

  constructor(
    readonly device: string,
    readonly engine: OrtEngine,
    /** Runtime version, execution provider and threads, for logs and UIs. */
    readonly description: string,
    /** Execution providers the sessions were asked for, in order (e.g. `["webgpu"]`). */
    readonly executionProviders: readonly string[],
  ) {
    this.id = `onnx:${device}`;
  }

  /** Builds the ONNX graph of `spec` in memory (fresh seeded weights unless `weights` are given). */
  async createModel(spec: ModelSpec, options: CreateModelOptions = {}): Promise<Model> {
    const parsed = parseModelSpec(spec);
    const weights = options.weights ?? initWeights(parsed, new SeededRandom(options.seed ?? 0));
    return OnnxModel.create(parsed, weights, this.engine, this.id);
  }
}
