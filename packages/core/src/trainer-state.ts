import type { TrainingOptions } from "./optimizer.js";
import type { RandomState } from "./random.js";
import type { ModelSpec } from "./spec.js";
import type { Weights } from "./weights.js";

/** One finished epoch, as the training loop reports and checkpoints keep it. */
export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainPerplexity: number;
  readonly validPerplexity: number | null;
  readonly learningRate: number;
  readonly tokensPerSecond: number;
  readonly seconds: number;
}

/** Everything beyond the weights that a run needs to continue exactly where it stopped. */
export interface TrainerState {
  /** Epochs completed. */
  readonly epoch: number;
  /** Learning rate for the next epoch. */
  readonly learningRate: number;
  readonly bestValidPerplexity: number | null;
  readonly history: readonly EpochRecord[];
  readonly training: TrainingOptions;
  /** The model's dropout generator. */
  readonly randomState: RandomState;
  /** Optimizer buffers (see `TrainableModel.getOptimizerState`). */
  readonly optimizerState: Weights;
  /** Set when a run stopped mid-epoch (Ctrl-C): where that epoch continues. Plain JSON. */
  readonly partialEpoch?: PartialEpoch;
}

/** Progress inside an interrupted epoch, so a resumed run continues it exactly. */
export interface PartialEpoch {
  /** Batches of epoch `TrainerState.epoch` already trained on. */
  readonly batchesDone: number;
  /** Sum over those batches of mean loss × tokens. */
  readonly lossSum: number;
  readonly tokens: number;
  readonly seconds: number;
  /** Recurrent state carried into the next batch (sequential sampling), float32 values. */
  readonly carried: { readonly h: number[]; readonly c?: number[] } | null;
}

/** What a checkpoint folder holds. */
export interface CheckpointData {
  readonly spec: ModelSpec;
  /** Canonical weights (both keys when tied). */
  readonly weights: Weights;
  /** Tokenizer + vocabulary description (from `@rnnlm/data`), opaque to core. */
  readonly codec?: unknown;
  /** The resolved run configuration (hyperparameters, data paths, backend), opaque to core. */
  readonly config?: Record<string, unknown>;
  /** Absent for inference-only checkpoints. */
  readonly trainer?: TrainerState;
}
