import {
  type Backend,
  type BackendRuntime,
  BackendUnavailableError,
  type CreateModelOptions,
  type CreateTrainableModelOptions,
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  SeededRandom,
  type Weights,
} from "@rnnlm/core";
import { initWeights } from "@rnnlm/core/backend";
import { ReferenceModel } from "./reference-model.js";
import { ReferenceTrainableModel } from "./reference-trainable-model.js";

function startingWeights(spec: ModelSpec, options: CreateModelOptions | undefined): Weights {
  return options?.weights ?? initWeights(spec, new SeededRandom(options?.seed ?? 0));
}

const runtime: BackendRuntime = {
  backend: "reference",
  device: "cpu",
  id: "reference:cpu",
  capabilities: ["train", "infer"],
  description: "float64 reference (plain TypeScript, single-threaded; slow, exact)",
  async createModel(spec, options) {
    const parsed = parseModelSpec(spec);
    return new ReferenceModel(parsed, startingWeights(parsed, options));
  },
  async createTrainableModel(spec, options: CreateTrainableModelOptions) {
    const parsed = parseModelSpec(spec);
    return new ReferenceTrainableModel(
      parsed,
      startingWeights(parsed, options),
      parseTrainingOptions(options.training),
    );
  },
};

/**
 * The float64 reference backend: one device, `cpu`, that trains and infers at priority 0
 * (`auto` picks it only when nothing else loads). Register it with
 * `registerBackend(referenceBackend)`.
 */
export const referenceBackend: Backend = {
  name: "reference",
  devices: [{ name: "cpu", capabilities: ["train", "infer"], priority: { train: 0, infer: 0 } }],
  async init(device, options) {
    if (device !== "cpu") {
      throw new BackendUnavailableError(
        `the reference backend has one device, "cpu"; "reference:${device}" does not exist`,
      );
    }
    const threads = options?.threads;
    if (threads === undefined || threads === 1) return runtime;
    return { ...runtime, description: `${runtime.description}; ${threads} threads asked, 1 runs` };
  },
};
