import { CELLS, type Cell, INIT_SCHEMES } from "@rnnlm/core";
import { z } from "zod";

/** PyTorch spells cells `LSTM`, `RNN_TANH`…; d2l says `rnn`. All map to core's names. */
export function normalizeCell(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const lower = value.trim().toLowerCase().replace(/-/g, "_");
  return lower === "rnn" ? "rnn_tanh" : lower;
}

const positiveInt = z.number().int().positive();

/** Conventions of the sources' `lr` and `clip` (see `lossReduction`). */
export const LOSS_REDUCTIONS = ["mean", "sum-steps", "gluon"] as const;
export type LossReduction = (typeof LOSS_REDUCTIONS)[number];

/** Every key of a run configuration, with its type. One flag per key (see `config-keys.ts`). */
export const runConfigFields = {
  /** A text file, a folder with train/valid/test files, or `timemachine` (shipped with @rnnlm/data). */
  data: z.string().min(1).nullable(),
  /** `char` or `word`; null: `char` for a file or `timemachine`, `word` for a folder. */
  level: z.enum(["char", "word"]).nullable(),
  /** Text cleaning; null: `d2l` for `timemachine`, `none` (the text as written) otherwise. */
  clean: z.enum(["none", "lower", "d2l"]).nullable(),
  /** One-file corpora: the last fraction of the tokens validates (contiguous tail); 0 = none. */
  validFraction: z.number().min(0).lt(1),
  /** At most this many tokens in a new vocabulary (`<unk>` included); null: no cap. */
  maxVocab: z.number().int().min(2).nullable(),
  /** Tokens seen fewer times than this map to `<unk>` in a new vocabulary (0, 1: keep all). */
  minCount: z.number().int().min(0),
  model: z.preprocess(normalizeCell, z.enum(CELLS)),
  /** Embedding size; 0 = one-hot input (d2l). */
  emsize: z.number().int().min(0),
  nhid: positiveInt,
  nlayers: positiveInt,
  lr: z.number().positive(),
  /** Global gradient-norm clip; 0 = off. */
  clip: z.number().min(0),
  epochs: z.number().int().min(0),
  batchSize: positiveInt,
  /** Steps per batch (d2l `num_steps`). */
  bptt: positiveInt,
  dropout: z.number().min(0).lt(1),
  tied: z.boolean(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** null: `sequential` for character corpora, `bptt` for word corpora. */
  sampling: z.enum(["random", "sequential", "bptt"]).nullable(),
  /** Keep the first N tokens of each split (null: all). */
  maxTokens: positiveInt.nullable(),
  optimizer: z.enum(["sgd", "adam", "rmsprop"]),
  /** RMSprop's smoothing constant α (char-rnn's `decay_rate`); null: PyTorch's 0.99. */
  alpha: z.number().min(0).lt(1).nullable(),
  /** Backend hints (`auto`, `tfjs:wasm`, `reference`, …); null: `RNNLM_BACKEND`, then `auto`. */
  backend: z.string().min(1).nullable(),
  /** Appended to a backend given without a device (`tfjs` + `wasm` → `tfjs:wasm`). */
  device: z.string().min(1).nullable(),
  /** CPU threads of the backend; null: `RNNLM_THREADS`, else the device's default. */
  threads: z.number().int().min(1).max(1024).nullable(),
  save: z.string().min(1).nullable(),
  /** Batches between progress lines when stdout is not a terminal (0: epoch lines only). */
  logInterval: z.number().int().min(0),
  init: z.enum(INIT_SCHEMES),
  /** Bound of `init: uniform` (U(±initScale)); null: 0.1. */
  initScale: z.number().positive().nullable(),
  /**
   * The loss `lr` and `clip` are stated for, so a source's numbers can be copied as they are
   * (SPEC §2): `mean` per token (PyTorch word_language_model; used as given); `sum-steps`, the
   * sum over the bptt steps of the batch-mean loss (TensorFlow PTB model, Zaremba et al.:
   * lr × bptt, clip ÷ bptt on our loss); `gluon`, the MXNet tutorial's sum over all tokens
   * with clip × bptt × batch and trainer.step(batch) (lr × bptt, clip as is).
   */
  lossReduction: z.enum(LOSS_REDUCTIONS),
  /**
   * `plateau`: multiply the lr by `lrDecay` (default 1/4) when validation does not improve
   * (PyTorch/gluon word LM); `step`: keep it for `maxEpoch` epochs, then multiply it by
   * `lrDecay` (default 1/2) every epoch (Zaremba et al.; char-rnn's learning_rate_decay_after).
   */
  schedule: z.enum(["constant", "plateau", "step"]),
  /** The schedule's factor; null: 0.25 for plateau, 0.5 for step. */
  lrDecay: z.number().gt(0).lte(1).nullable(),
  /** Epochs at the initial lr before the step schedule decays it (TensorFlow's `max_epoch`). */
  maxEpoch: positiveInt.nullable(),
  /** Batch size for validation and test perplexity (PyTorch's example uses 10). */
  evalBatchSize: positiveInt,
};

export type ConfigKey = keyof typeof runConfigFields;

export const runConfigSchema = z.object(runConfigFields).strict();

/** A resolved run configuration: every key has a value. Saved with every checkpoint. */
export type RunConfig = z.output<typeof runConfigSchema>;

/** What a config file or the flags may set: any subset of the keys. */
export type PartialRunConfig = Partial<RunConfig>;

/** A config file: any subset of the keys plus a free-text description. */
export const configFileSchema = runConfigSchema
  .partial()
  .extend({ description: z.string().optional(), $schema: z.string().optional() })
  .strict();

/**
 * Defaults: d2l's concise LSTM on characters (SPEC §1), the project's reference semantics,
 * except that the whole corpus is kept unless `maxTokens` says otherwise.
 */
export const DEFAULT_CONFIG: RunConfig = {
  data: null,
  level: null,
  clean: null,
  validFraction: 0,
  maxVocab: null,
  minCount: 0,
  model: "lstm" satisfies Cell,
  emsize: 0,
  nhid: 256,
  nlayers: 1,
  lr: 1,
  clip: 1,
  epochs: 500,
  batchSize: 32,
  bptt: 35,
  dropout: 0,
  tied: false,
  seed: 0,
  sampling: null,
  maxTokens: null,
  optimizer: "sgd",
  alpha: null,
  backend: null,
  device: null,
  threads: null,
  save: null,
  logInterval: 200,
  init: "pytorch",
  initScale: null,
  lossReduction: "mean",
  schedule: "constant",
  lrDecay: null,
  maxEpoch: null,
  evalBatchSize: 10,
};

/** Merges layers (later wins; undefined keeps the earlier value) and validates the result. */
export function resolveRunConfig(...layers: PartialRunConfig[]): RunConfig {
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) if (value !== undefined) merged[key] = value;
  }
  return runConfigSchema.parse(merged);
}
