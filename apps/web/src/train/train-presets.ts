import type { LrScheduleInput, ModelSpecInput, TrainingOptionsInput } from "@rnnlm/core";

/** A model size the Train view offers, with the hyperparameters that train it well. */
export interface TrainPreset {
  readonly id: TrainPresetId;
  readonly label: string;
  /** Everything but the vocabulary size, which comes from the text. */
  readonly model: Omit<ModelSpecInput, "vocabSize">;
  readonly training: TrainingOptionsInput;
  readonly schedule: LrScheduleInput;
  readonly batchSize: number;
  readonly steps: number;
}

export const TRAIN_PRESET_IDS = ["tiny", "small", "d2l-lstm"] as const;
export type TrainPresetId = (typeof TRAIN_PRESET_IDS)[number];

export function isTrainPresetId(value: string): value is TrainPresetId {
  return (TRAIN_PRESET_IDS as readonly string[]).includes(value);
}

/**
 * tiny: learns a short text in seconds (Adam, as the CLI's d2l-lstm-quick). small: Karpathy's
 * char-rnn defaults (CLI preset `char-rnn`). d2l-lstm: d2l 9.2 exactly (CLI preset `d2l-lstm`).
 */
export const TRAIN_PRESETS: Readonly<Record<TrainPresetId, TrainPreset>> = {
  tiny: {
    id: "tiny",
    label: "tiny — LSTM 64, Adam (seconds)",
    model: { cell: "lstm", hiddenSize: 64, numLayers: 1, embeddingSize: null, init: "pytorch" },
    training: { optimizer: { type: "adam", lr: 0.01 }, clip: 1, seed: 0 },
    schedule: { type: "constant" },
    batchSize: 16,
    steps: 32,
  },
  small: {
    id: "small",
    label: "small — char-rnn: LSTM 2 × 128, RMSprop",
    model: { cell: "lstm", hiddenSize: 128, numLayers: 2, embeddingSize: null, init: "pytorch" },
    training: { optimizer: { type: "rmsprop", lr: 0.002, alpha: 0.95 }, clip: 5, seed: 0 },
    schedule: { type: "step", maxEpoch: 10, decay: 0.97 },
    batchSize: 50,
    steps: 50,
  },
  "d2l-lstm": {
    id: "d2l-lstm",
    label: "d2l LSTM — LSTM 256, SGD lr 1 (d2l 9.2)",
    model: { cell: "lstm", hiddenSize: 256, numLayers: 1, embeddingSize: null, init: "pytorch" },
    training: { optimizer: { type: "sgd", lr: 1 }, clip: 1, seed: 0 },
    schedule: { type: "constant" },
    batchSize: 32,
    steps: 35,
  },
};
