import {
  type LrSchedule,
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  SpecError,
  type TrainingOptions,
} from "@rnnlm/core";
import type { RunConfig } from "./run-config.js";
import { UsageError } from "./usage-error.js";

const SPEC_TO_FLAG: ReadonlyArray<[RegExp, string]> = [
  [/embeddingSize/g, "--emsize"],
  [/hiddenSize/g, "--nhid"],
  [/numLayers/g, "--nlayers"],
  [/\btied\b/g, "--tied"],
];

function asUsageError(error: unknown): never {
  if (!(error instanceof SpecError)) throw error;
  let message = error.message;
  for (const [pattern, flag] of SPEC_TO_FLAG) message = message.replace(pattern, flag);
  throw new UsageError(message, "change the flags or the config file", { cause: error });
}

/** The model a run configuration describes, for a vocabulary of `vocabSize` tokens. */
export function modelSpecOf(config: RunConfig, vocabSize: number): ModelSpec {
  const p = config.dropout;
  try {
    return parseModelSpec({
      cell: config.model,
      vocabSize,
      hiddenSize: config.nhid,
      numLayers: config.nlayers,
      embeddingSize: config.emsize === 0 ? null : config.emsize,
      // PyTorch's word_language_model: the same p on the embedding, between layers, and before the decoder.
      dropout: { input: p, between: config.nlayers > 1 ? p : 0, output: p },
      tied: config.tied,
      init: config.init,
    });
  } catch (error) {
    asUsageError(error);
  }
}

/** Optimizer, clipping and dropout seed of a run configuration. */
export function trainingOptionsOf(config: RunConfig): TrainingOptions {
  try {
    return parseTrainingOptions({
      optimizer: { type: config.optimizer, lr: config.lr },
      clip: config.clip === 0 ? null : config.clip,
      seed: config.seed,
    });
  } catch (error) {
    asUsageError(error);
  }
}

/** The learning-rate schedule of a run configuration. */
export function scheduleOf(config: RunConfig): LrSchedule {
  return config.schedule === "plateau" ? { type: "plateau", factor: 0.25, minLr: 0 } : { type: "constant" };
}
