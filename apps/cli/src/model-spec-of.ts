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
  if (config.alpha !== null && config.optimizer !== "rmsprop") {
    throw new UsageError(
      `--alpha ${config.alpha} is RMSprop's smoothing constant, but the optimizer is ${config.optimizer}`,
      "add --optimizer rmsprop, or drop --alpha",
    );
  }
  try {
    return parseTrainingOptions({
      optimizer:
        config.optimizer === "rmsprop"
          ? { type: "rmsprop", lr: config.lr, ...(config.alpha === null ? {} : { alpha: config.alpha }) }
          : { type: config.optimizer, lr: config.lr },
      clip: config.clip === 0 ? null : config.clip,
      seed: config.seed,
    });
  } catch (error) {
    asUsageError(error);
  }
}

/** Default `lrDecay` per schedule: PyTorch/gluon divide by 4 on a plateau; Zaremba small halves. */
export const DEFAULT_LR_DECAY = { plateau: 0.25, step: 0.5 } as const;

/** The learning-rate schedule of a run configuration. */
export function scheduleOf(config: RunConfig): LrSchedule {
  if (config.schedule === "constant") return { type: "constant" };
  const decay = config.lrDecay ?? DEFAULT_LR_DECAY[config.schedule];
  if (config.schedule === "plateau") {
    if (decay >= 1) {
      throw new UsageError(
        `--lr-decay ${decay} never lowers the learning rate on a plateau`,
        "pass a factor below 1 (e.g. --lr-decay 0.25), or --schedule constant",
      );
    }
    return { type: "plateau", factor: decay, minLr: 0 };
  }
  if (config.maxEpoch === null) {
    throw new UsageError(
      "--schedule step needs --max-epoch N (epochs at the initial learning rate before it decays)",
      "add e.g. --max-epoch 4 --lr-decay 0.5 (Zaremba small)",
    );
  }
  return { type: "step", maxEpoch: config.maxEpoch, decay };
}
