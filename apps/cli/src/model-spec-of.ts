import {
  type LrSchedule,
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  type TrainingOptions,
} from "@rnnlm/core";
import type { RunConfig } from "./run-config.js";

/**
 * The model a run configuration describes, for a vocabulary of `vocabSize` tokens. The
 * config's schema and key combinations (`resolveRunConfig`) make every spec valid, so a
 * `SpecError` here is a bug, not bad input.
 */
export function modelSpecOf(config: RunConfig, vocabSize: number): ModelSpec {
  const p = config.dropout;
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
    ...(config.initScale === null ? {} : { initScale: config.initScale }),
  });
}

/** The lr and clip the optimizer applies to our mean per-token loss, and how they follow from the config. */
export interface EffectiveOptimization {
  readonly lr: number;
  /** 0 = off. */
  readonly clip: number;
  /** How `lr` follows from the config's `lr` (null when used as given). */
  readonly lrNote: string | null;
  readonly clipNote: string | null;
}

/**
 * Converts `lr`/`clip` stated for the source's loss (`lossReduction`) to our mean per-token
 * loss (SPEC §2): a loss summed over the T = bptt steps has T times our gradient.
 */
export function effectiveOptimization(config: RunConfig): EffectiveOptimization {
  const t = config.bptt;
  switch (config.lossReduction) {
    case "mean":
      return { lr: config.lr, clip: config.clip, lrNote: null, clipNote: null };
    case "sum-steps":
      return {
        lr: config.lr * t,
        clip: config.clip / t,
        lrNote: `effective lr ${config.lr * t} = source lr ${config.lr} × bptt ${t} (the source sums the batch-mean loss over the ${t} time steps; we take the mean per token)`,
        clipNote:
          config.clip === 0 ? null : `effective clip ${config.clip / t} = source clip ${config.clip} ÷ bptt ${t}`,
      };
    case "gluon":
      return {
        lr: config.lr * t,
        clip: config.clip,
        lrNote: `effective lr ${config.lr * t} = source lr ${config.lr} × bptt ${t} (gluon sums the loss over bptt × batch tokens and steps with trainer.step(batch))`,
        clipNote:
          config.clip === 0
            ? null
            : `effective clip ${config.clip} = source clip ${config.clip} (gluon clips at clip × bptt × batch on its summed loss)`,
      };
  }
}

/** Optimizer, clipping and dropout seed of a run configuration (lr and clip made effective). */
export function trainingOptionsOf(config: RunConfig): TrainingOptions {
  const { lr, clip } = effectiveOptimization(config);
  return parseTrainingOptions({
    optimizer:
      config.optimizer === "rmsprop"
        ? { type: "rmsprop", lr, ...(config.alpha === null ? {} : { alpha: config.alpha }) }
        : { type: config.optimizer, lr },
    clip: clip === 0 ? null : clip,
    seed: config.seed,
  });
}

/** Default `lrDecay` per schedule: PyTorch/gluon divide by 4 on a plateau; Zaremba small halves. */
export const DEFAULT_LR_DECAY = { plateau: 0.25, step: 0.5 } as const;

/** The learning-rate schedule of a run configuration. */
export function scheduleOf(config: RunConfig): LrSchedule {
  if (config.schedule === "constant") return { type: "constant" };
  const decay = config.lrDecay ?? DEFAULT_LR_DECAY[config.schedule];
  if (config.schedule === "plateau") return { type: "plateau", factor: decay, minLr: 0 };
  if (config.maxEpoch === null)
    throw new Error("unreachable: resolveRunConfig requires --max-epoch for --schedule step");
  return { type: "step", maxEpoch: config.maxEpoch, decay };
}
