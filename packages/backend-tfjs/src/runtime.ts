import type {
  BackendRuntime,
  Capability,
  CreateModelOptions,
  CreateTrainableModelOptions,
  Model,
  ModelSpec,
  TrainableModel,
  Weights,
} from "@rnnlm/core";
import { parseModelSpec, parseTrainingOptions, SeededRandom } from "@rnnlm/core";
import { initWeights } from "@rnnlm/core/backend";
import type { LoadedDevice } from "./devices.js";
import { TfjsModel } from "./tfjs-model.js";
import { TfjsTrainableModel } from "./tfjs-trainable-model.js";

function startingWeights(spec: ModelSpec, options: CreateModelOptions | undefined): Weights {
  return options?.weights ?? initWeights(spec, new SeededRandom(options?.seed ?? 0));
}

/** The tfjs backend with one device loaded. */
export class TfjsRuntime implements BackendRuntime {
  readonly backend = "tfjs";
  readonly device: string;
  readonly id: string;
  readonly capabilities: readonly Capability[] = ["train", "infer"];
  readonly description: string;
  private readonly loaded: LoadedDevice;

  constructor(loaded: LoadedDevice) {
    this.loaded = loaded;
    this.device = loaded.device;
    this.id = `tfjs:${loaded.device}`;
    this.description = loaded.description;
  }

  async createModel(spec: ModelSpec, options?: CreateModelOptions): Promise<Model> {
    const parsed = parseModelSpec(spec);
    return new TfjsModel(parsed, this.loaded, startingWeights(parsed, options));
  }

  async createTrainableModel(spec: ModelSpec, options: CreateTrainableModelOptions): Promise<TrainableModel> {
    const parsed = parseModelSpec(spec);
    const training = parseTrainingOptions(options.training);
    return new TfjsTrainableModel(parsed, this.loaded, startingWeights(parsed, options), training);
  }
}
