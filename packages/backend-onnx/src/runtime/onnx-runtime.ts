import {
  type BackendRuntime,
  type Capability,
  type CreateModelOptions,
  type CreateTrainableModelOptions,
  type Model,
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  SeededRandom,
  type TrainableModel,
} from "@rnnlm/core";
import { initWeights } from "@rnnlm/core/backend";
import { OnnxTrainableModel, type OnnxTrainableModelOptions } from "../train/onnx-trainable-model.js";
import { OnnxModel } from "./onnx-model.js";
import type { OrtEngine } from "./ort-engine.js";

/** Devices whose runtimes train (the training graphs run on ORT's CPU kernels, native or WASM). */
export const TRAINING_DEVICES: readonly string[] = ["cpu", "wasm"];

/** An ONNX Runtime device loaded by {@link onnxBackend}: it builds {@link OnnxModel}s. */
export class OnnxRuntime implements BackendRuntime {
  readonly backend = "onnx";
  readonly id: string;
  readonly capabilities: readonly Capability[];
  /**
   * Present on training devices (`onnx:cpu` and `onnx:wasm`): a model whose whole training step
   * runs as one ONNX graph (see `OnnxTrainableModel`).
   */
  readonly createTrainableModel?: (
    spec: ModelSpec,
    options: CreateTrainableModelOptions & OnnxTrainableModelOptions,
  ) => Promise<TrainableModel>;

  constructor(
    readonly device: string,
    readonly engine: OrtEngine,
    /** Runtime version, execution provider and threads, for logs and UIs. */
    readonly description: string,
    /** Execution providers the sessions were asked for, in order (e.g. `["webgpu"]`). */
    readonly executionProviders: readonly string[],
  ) {
    this.id = `onnx:${device}`;
    const trains = TRAINING_DEVICES.includes(device);
    this.capabilities = trains ? ["train", "infer"] : ["infer"];
    if (trains) {
      this.createTrainableModel = async (spec, options) => {
        const parsed = parseModelSpec(spec);
        const training = parseTrainingOptions(options.training);
        const weights = options.weights ?? initWeights(parsed, new SeededRandom(options.seed ?? 0));
        return new OnnxTrainableModel(parsed, this.id, this.engine, weights, training, options);
      };
    }
  }

  /** Builds the ONNX graph of `spec` in memory (fresh seeded weights unless `weights` are given). */
  async createModel(spec: ModelSpec, options: CreateModelOptions = {}): Promise<Model> {
    const parsed = parseModelSpec(spec);
    const weights = options.weights ?? initWeights(parsed, new SeededRandom(options.seed ?? 0));
    return OnnxModel.create(parsed, weights, this.engine, this.id);
  }
}
