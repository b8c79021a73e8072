import { CELLS, type Cell, INIT_SCHEMES } from "@rnnlm/core";
import { TEXT_CLEANINGS } from "@rnnlm/data";
import { z } from "zod";
import type { FlagDef, FlagType } from "./flag-def.js";

/** PyTorch spells cells `LSTM`, `RNN_TANH`…; d2l says `rnn`. All map to core's names. */
export function normalizeCell(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const lower = value.trim().toLowerCase().replace(/-/g, "_");
  return lower === "rnn" ? "rnn_tanh" : lower;
}

/** Conventions of the sources' `lr` and `clip` (see `lossReduction`). */
export const LOSS_REDUCTIONS = ["mean", "sum-steps", "gluon"] as const;
export type LossReduction = (typeof LOSS_REDUCTIONS)[number];

/** The commands whose flags include a config key (every key is a `train` flag). */
export type ConfigCommand = "train" | "eval";

/**
 * One run-configuration key: its flag (spelling, aliases, help), its type and range (the zod
 * schema every layer — flags, config files, saved checkpoints — is checked with), its default,
 * and the commands that take it. Everything else about a key is derived from this.
 */
export interface ConfigKeySpec<S extends z.ZodType = z.ZodType> {
  /** Spelling without dashes, e.g. `batch-size`. */
  readonly flag: string;
  /** Other spellings users know (`num-steps` for `bptt`, `cell` for `model`). */
  readonly aliases?: readonly string[];
  readonly type: FlagType;
  readonly choices?: readonly string[];
  /** Words that mean "none" (null in the config), e.g. `all` for `--max-tokens`. */
  readonly nullWords?: readonly string[];
  readonly placeholder?: string;
  readonly help: string;
  /** A boolean that also accepts `--no-<flag>`. */
  readonly negatable?: boolean;
  /** Maps a choice as typed to its canonical spelling (PyTorch's `LSTM` → `lstm`). */
  readonly normalize?: (raw: string) => string;
  readonly schema: S;
  readonly default: z.output<S>;
  /** What the schema accepts, in words, with a good value: the error for an out-of-range value. */
  readonly range?: { readonly allowed: string; readonly example: string };
  /** Commands besides `train` that take this flag. */
  readonly commands?: readonly ConfigCommand[];
  /**
   * The key's former name (camelCase; its flag is the kebab-case form): still accepted in
   * flags and config files with a warning, and read silently from saved checkpoints.
   */
  readonly renamedFrom?: string;
}

/** Keeps each entry's schema type, so the zod object and the defaults are typed per key. */
function key<S extends z.ZodType>(spec: ConfigKeySpec<S>): ConfigKeySpec<S> {
  return spec;
}

const positiveInt = z.number().int().positive();
const OPTIMIZERS = ["sgd", "adam", "rmsprop"] as const;
const SCHEDULES = ["constant", "plateau", "step"] as const;
const BATCH_ORDERS = ["random", "sequential", "bptt"] as const;

/**
 * Every run-configuration key, in the order `--help`, the printed config and the README list
 * them. Keys are camelCase in config files (`batchSize`; `batch-size` and `batch_size` are
 * accepted too), flags are kebab-case (`--batch-size`). Defaults: d2l's concise LSTM on
 * characters (SPEC §1), except that the whole corpus is kept unless `maxTokens` says otherwise.
 */
export const CONFIG_KEYS = {
  /** A text file, a folder with train/valid/test files, or `timemachine` (shipped with @rnnlm/data). */
  data: key({
    flag: "data",
    type: "string",
    placeholder: "FILE|DIR",
    help: "a text file, a folder with train/valid/test files (ptb.*.txt, wiki.*.tokens), or `timemachine`",
    schema: z.string().min(1).nullable(),
    default: null,
    commands: ["eval"],
  }),
  /** null: `char` for a file or `timemachine`, `word` for a folder. */
  level: key({
    flag: "level",
    type: "choice",
    choices: ["char", "word"],
    help: "tokens: characters or words",
    schema: z.enum(["char", "word"]).nullable(),
    default: null,
  }),
  /** null: `d2l` for `timemachine`, `none` (the text as written) otherwise. */
  clean: key({
    flag: "clean",
    type: "choice",
    choices: [...TEXT_CLEANINGS],
    help: "text cleaning: none (as written, newlines kept), lower, d2l (letters only); default d2l for timemachine, none otherwise",
    schema: z.enum(TEXT_CLEANINGS).nullable(),
    default: null,
  }),
  /** One-file corpora: the last fraction of the tokens validates (contiguous tail); 0 = none. */
  validFraction: key({
    flag: "valid-fraction",
    type: "number",
    placeholder: "F",
    help: "one-file corpus: the last F of the text validates (0 ≤ F < 1; 0 = no split)",
    schema: z.number().min(0).lt(1),
    default: 0,
  }),
  /** At most this many tokens in a new vocabulary (`<unk>` included); null: no cap. */
  maxVocab: key({
    flag: "max-vocab",
    type: "int",
    nullWords: ["all"],
    placeholder: "N|all",
    help: "keep the N most frequent tokens (<unk> included); the rest become <unk>",
    schema: z.number().int().min(2).nullable(),
    default: null,
  }),
  /** Tokens seen fewer times than this map to `<unk>` in a new vocabulary (0, 1: keep all). */
  minCount: key({
    flag: "min-count",
    type: "int",
    placeholder: "K",
    help: "tokens seen fewer than K times become <unk>",
    schema: z.number().int().min(0),
    default: 0,
  }),
  model: key({
    flag: "model",
    aliases: ["cell"],
    type: "choice",
    choices: [...CELLS, "rnn"],
    help: "recurrent cell (PyTorch spellings like LSTM, RNN_TANH work too)",
    normalize: (raw) => String(normalizeCell(raw)),
    schema: z.preprocess(normalizeCell, z.enum(CELLS)),
    default: "lstm" satisfies Cell,
  }),
  /** Embedding size; 0 = one-hot input (d2l). */
  emsize: key({
    flag: "emsize",
    type: "int",
    placeholder: "N",
    help: "embedding size; 0 = one-hot input (d2l)",
    schema: z.number().int().min(0),
    default: 0,
    range: { allowed: "an integer ≥ 0 (0 = one-hot input)", example: "200" },
  }),
  nhid: key({
    flag: "nhid",
    type: "int",
    placeholder: "N",
    help: "hidden units per layer",
    schema: positiveInt,
    default: 256,
    range: { allowed: "an integer ≥ 1", example: "256" },
  }),
  nlayers: key({
    flag: "nlayers",
    type: "int",
    placeholder: "N",
    help: "recurrent layers",
    schema: positiveInt,
    default: 1,
    range: { allowed: "an integer ≥ 1", example: "2" },
  }),
  lr: key({
    flag: "lr",
    type: "number",
    placeholder: "LR",
    help: "learning rate",
    schema: z.number().positive(),
    default: 1,
    range: { allowed: "a number > 0", example: "1" },
  }),
  /** Global gradient-norm clip; 0 = off. */
  clip: key({
    flag: "clip",
    type: "number",
    placeholder: "NORM",
    help: "clip the gradient's global norm; 0 = off",
    schema: z.number().min(0),
    default: 1,
    range: { allowed: "a number ≥ 0 (0 = no clipping)", example: "1" },
  }),
  epochs: key({
    flag: "epochs",
    type: "int",
    placeholder: "N",
    help: "epochs (a resumed run continues to N)",
    schema: z.number().int().min(0),
    default: 500,
    range: { allowed: "an integer ≥ 0", example: "10" },
  }),
  batchSize: key({
    flag: "batch-size",
    type: "int",
    placeholder: "B",
    help: "batch size",
    schema: positiveInt,
    default: 32,
    range: { allowed: "an integer ≥ 1", example: "32" },
  }),
  /** Steps per batch (d2l `num_steps`). */
  bptt: key({
    flag: "bptt",
    aliases: ["num-steps"],
    type: "int",
    placeholder: "T",
    help: "time steps per batch (d2l num_steps)",
    schema: positiveInt,
    default: 35,
    range: { allowed: "an integer ≥ 1", example: "35" },
    commands: ["eval"],
  }),
  dropout: key({
    flag: "dropout",
    type: "number",
    placeholder: "P",
    help: "dropout on the input, between layers and before the decoder",
    schema: z.number().min(0).lt(1),
    default: 0,
    range: { allowed: "a number in [0, 1)", example: "0.2" },
  }),
  tied: key({
    flag: "tied",
    type: "boolean",
    negatable: true,
    help: "tie decoder and embedding (emsize = nhid)",
    schema: z.boolean(),
    default: false,
  }),
  seed: key({
    flag: "seed",
    type: "int",
    placeholder: "S",
    help: "seeds initialisation, batches and dropout",
    schema: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    default: 0,
    range: { allowed: `an integer in [0, ${Number.MAX_SAFE_INTEGER}]`, example: "1" },
  }),
  /**
   * The order of the training batches (not token sampling, hence the rename from `sampling`);
   * null: `sequential` for character corpora, `bptt` for word corpora.
   */
  batchOrder: key({
    flag: "batch-order",
    renamedFrom: "sampling",
    type: "choice",
    choices: BATCH_ORDERS,
    help: "batches: d2l random / sequential, or word-LM bptt windows (was --sampling)",
    schema: z.enum(BATCH_ORDERS).nullable(),
    default: null,
  }),
  /** Keep the first N tokens of each split (null: all). */
  maxTokens: key({
    flag: "max-tokens",
    type: "int",
    nullWords: ["all"],
    placeholder: "N|all",
    help: "keep the first N tokens of each split",
    schema: positiveInt.nullable(),
    default: null,
    range: { allowed: "an integer ≥ 1, or all", example: "10000" },
    commands: ["eval"],
  }),
  optimizer: key({
    flag: "optimizer",
    type: "choice",
    choices: OPTIMIZERS,
    help: "optimizer (PyTorch's SGD, Adam, RMSprop)",
    schema: z.enum(OPTIMIZERS),
    default: "sgd",
  }),
  /** RMSprop's smoothing constant α (char-rnn's `decay_rate`); null: PyTorch's 0.99. */
  alpha: key({
    flag: "alpha",
    type: "number",
    placeholder: "A",
    help: "RMSprop smoothing constant (char-rnn decay_rate); default 0.99",
    schema: z.number().min(0).lt(1).nullable(),
    default: null,
  }),
  /** Backend hints (`auto`, `tfjs:wasm`, `reference`, …); null: `RNNLM_BACKEND`, then `auto`. */
  backend: key({
    flag: "backend",
    type: "string",
    placeholder: "HINTS",
    help: "auto, tfjs[:cuda|cpu-native|wasm|cpu], onnx[:cpu|wasm], reference; a comma list tries each",
    schema: z.string().min(1).nullable(),
    default: null,
    commands: ["eval"],
  }),
  /** Appended to a backend given without a device (`tfjs` + `wasm` → `tfjs:wasm`). */
  device: key({
    flag: "device",
    type: "string",
    placeholder: "DEV",
    help: "device for a --backend given alone",
    schema: z.string().min(1).nullable(),
    default: null,
    commands: ["eval"],
  }),
  /** CPU threads of the backend; null: `RNNLM_THREADS`, else the device's default. */
  threads: key({
    flag: "threads",
    type: "int",
    nullWords: ["auto"],
    placeholder: "N|auto",
    help: "CPU threads of the backend (training is repeatable for a given count); auto: RNNLM_THREADS, else the device's default",
    schema: z.number().int().min(1).max(1024).nullable(),
    default: null,
    commands: ["eval"],
  }),
  save: key({
    flag: "save",
    type: "string",
    placeholder: "DIR",
    help: "run folder: last/, best/, perplexity.svg",
    schema: z.string().min(1).nullable(),
    default: null,
  }),
  /** Batches between progress lines when stdout is not a terminal (0: epoch lines only). */
  logInterval: key({
    flag: "log-interval",
    type: "int",
    placeholder: "N",
    help: "batches between log lines when not on a terminal; 0 = epochs only",
    schema: z.number().int().min(0),
    default: 200,
    range: { allowed: "an integer ≥ 0 (0 = epoch lines only)", example: "200" },
  }),
  init: key({
    flag: "init",
    type: "choice",
    choices: INIT_SCHEMES,
    help: "weight initialisation",
    schema: z.enum(INIT_SCHEMES),
    default: "pytorch",
  }),
  /** Bound of `init: uniform` (U(±initScale)); null: 0.1. */
  initScale: key({
    flag: "init-scale",
    type: "number",
    placeholder: "S",
    help: "--init uniform: every weight and bias U(±S) (default 0.1; TensorFlow PTB init_scale)",
    schema: z.number().positive().nullable(),
    default: null,
  }),
  /**
   * The loss `lr` and `clip` are stated for, so a source's numbers can be copied as they are
   * (SPEC §2): `mean` per token (PyTorch word_language_model; used as given); `sum-steps`, the
   * sum over the bptt steps of the batch-mean loss (TensorFlow PTB model, Zaremba et al.:
   * lr × bptt, clip ÷ bptt on our loss); `gluon`, the MXNet tutorial's sum over all tokens
   * with clip × bptt × batch and trainer.step(batch) (lr × bptt, clip as is).
   */
  lossReduction: key({
    flag: "loss-reduction",
    type: "choice",
    choices: LOSS_REDUCTIONS,
    help: "the loss --lr and --clip are stated for: mean per token (as is), sum-steps (TensorFlow PTB: lr×bptt, clip÷bptt), gluon (lr×bptt)",
    schema: z.enum(LOSS_REDUCTIONS),
    default: "mean",
  }),
  /**
   * `plateau`: multiply the lr by `lrDecay` (default 1/4) when validation does not improve
   * (PyTorch/gluon word LM); `step`: keep it for `maxEpoch` epochs, then multiply it by
   * `lrDecay` (default 1/2) every epoch (Zaremba et al.; char-rnn's learning_rate_decay_after).
   */
  schedule: key({
    flag: "schedule",
    type: "choice",
    choices: SCHEDULES,
    help: "learning rate: constant; plateau (× --lr-decay when validation does not improve); step (× --lr-decay every epoch after --max-epoch)",
    schema: z.enum(SCHEDULES),
    default: "constant",
  }),
  /** The schedule's factor; null: 0.25 for plateau, 0.5 for step. */
  lrDecay: key({
    flag: "lr-decay",
    type: "number",
    placeholder: "F",
    help: "the schedule's factor (default 0.25 for plateau, 0.5 for step)",
    schema: z.number().gt(0).lte(1).nullable(),
    default: null,
  }),
  /** Epochs at the initial lr before the step schedule decays it (TensorFlow's `max_epoch`). */
  maxEpoch: key({
    flag: "max-epoch",
    type: "int",
    placeholder: "N",
    help: "step schedule: epochs at the initial lr before it decays (TensorFlow max_epoch, char-rnn learning_rate_decay_after)",
    schema: positiveInt.nullable(),
    default: null,
  }),
  /** Batch size for validation and test perplexity (PyTorch's example uses 10). */
  evalBatchSize: key({
    flag: "eval-batch-size",
    type: "int",
    placeholder: "B",
    help: "batch size for validation and test",
    schema: positiveInt,
    default: 10,
    range: { allowed: "an integer ≥ 1", example: "10" },
    commands: ["eval"],
  }),
};

export type ConfigKey = keyof typeof CONFIG_KEYS;

const KEY_NAMES = Object.keys(CONFIG_KEYS) as ConfigKey[];

/** The spec of a key, untyped by key (for code that loops over all of them). */
export function configKeySpec(key: ConfigKey): ConfigKeySpec {
  return CONFIG_KEYS[key];
}

/** The zod type of every key. */
export const runConfigFields = Object.fromEntries(KEY_NAMES.map((k) => [k, CONFIG_KEYS[k].schema])) as {
  readonly [K in ConfigKey]: (typeof CONFIG_KEYS)[K]["schema"];
};

/** The default of every key. */
export function defaultsOfKeys(): { -readonly [K in ConfigKey]: (typeof CONFIG_KEYS)[K]["default"] } {
  return Object.fromEntries(KEY_NAMES.map((k) => [k, CONFIG_KEYS[k].default])) as {
    -readonly [K in ConfigKey]: (typeof CONFIG_KEYS)[K]["default"];
  };
}

/** `batchSize` → `batch-size`. */
export function kebabCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function flagDefOf(configKey: ConfigKey): FlagDef {
  const {
    schema: _schema,
    default: _default,
    range: _range,
    commands: _commands,
    renamedFrom,
    ...flag
  } = configKeySpec(configKey);
  return { ...flag, key: configKey, ...(renamedFrom === undefined ? {} : { renamedFrom: [kebabCase(renamedFrom)] }) };
}

/** Every config key as a flag, in table order: `rnnlm train`'s flags. */
export const CONFIG_FLAGS: readonly FlagDef[] = KEY_NAMES.map(flagDefOf);

/** The config-key flags a command takes. */
export function configFlagsOf(command: ConfigCommand): readonly FlagDef[] {
  if (command === "train") return CONFIG_FLAGS;
  return KEY_NAMES.filter((k) => configKeySpec(k).commands?.includes(command)).map(flagDefOf);
}

/** The flag that sets a config key (for error messages and the README table). */
export function flagOfKey(name: string): string {
  const spec = (CONFIG_KEYS as Record<string, ConfigKeySpec | undefined>)[name];
  return spec ? `--${spec.flag}` : name;
}

/** Former key names and the keys they became (`sampling` → `batchOrder`). */
export const RENAMED_KEYS: ReadonlyMap<string, ConfigKey> = new Map(
  KEY_NAMES.flatMap((k) => {
    const old = configKeySpec(k).renamedFrom;
    return old === undefined ? [] : [[old, k] as const];
  }),
);

/** The warning for a former key or flag that is still accepted. */
export function renamedWarning(old: string, now: string): string {
  return `${old} is renamed ${now}; it is still accepted, but write ${now}`;
}

/**
 * A saved run configuration with former key names replaced by the current ones, so a
 * checkpoint written before a rename still resumes and evaluates (no warning: the user did
 * not write it).
 */
export function withCurrentKeyNames(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(config)) {
    const now = RENAMED_KEYS.get(name);
    if (now === undefined) out[name] = value;
    else if (!(now in config)) out[now] = value;
  }
  return out;
}

/**
 * The one-line problem for a key whose value its schema refused, named by flag: the range in
 * words where the table states it, else zod's message.
 */
export function describeBadValue(name: string, value: unknown, zodMessage: string): string {
  const range = (CONFIG_KEYS as Record<string, ConfigKeySpec | undefined>)[name]?.range;
  if (range !== undefined)
    return `${flagOfKey(name)} ${JSON.stringify(value)} is out of range: it takes ${range.allowed}`;
  return `${flagOfKey(name)} ${JSON.stringify(value)} is invalid: ${zodMessage}`;
}

/** A good value for a key, for the fix of an error (when the table has one). */
export function exampleOf(name: string): string | undefined {
  return (CONFIG_KEYS as Record<string, ConfigKeySpec | undefined>)[name]?.range?.example;
}
