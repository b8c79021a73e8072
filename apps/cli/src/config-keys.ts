import { CELLS, INIT_SCHEMES } from "@rnnlm/core";
import { TEXT_CLEANINGS } from "@rnnlm/data";
import type { FlagDef } from "./flag-def.js";
import { LOSS_REDUCTIONS } from "./run-config.js";

/**
 * Every run-configuration key as a flag, in the order `--help` and the README list them.
 * Keys are camelCase in config files (`batchSize`; `batch-size` is accepted too), flags are
 * kebab-case (`--batch-size`).
 */
export const CONFIG_FLAGS: readonly FlagDef[] = [
  {
    flag: "data",
    key: "data",
    type: "string",
    placeholder: "FILE|DIR",
    help: "a text file, a folder with train/valid/test files (ptb.*.txt, wiki.*.tokens), or `timemachine`",
  },
  { flag: "level", key: "level", type: "choice", choices: ["char", "word"], help: "tokens: characters or words" },
  {
    flag: "clean",
    key: "clean",
    type: "choice",
    choices: [...TEXT_CLEANINGS],
    help: "text cleaning: none (as written, newlines kept), lower, d2l (letters only); default d2l for timemachine, none otherwise",
  },
  {
    flag: "valid-fraction",
    key: "validFraction",
    type: "number",
    placeholder: "F",
    help: "one-file corpus: the last F of the text validates (0 ≤ F < 1; 0 = no split)",
  },
  {
    flag: "max-vocab",
    key: "maxVocab",
    type: "int",
    nullWords: ["all"],
    placeholder: "N|all",
    help: "keep the N most frequent tokens (<unk> included); the rest become <unk>",
  },
  {
    flag: "min-count",
    key: "minCount",
    type: "int",
    placeholder: "K",
    help: "tokens seen fewer than K times become <unk>",
  },
  {
    flag: "model",
    aliases: ["cell"],
    key: "model",
    type: "choice",
    choices: [...CELLS, "rnn"],
    help: "recurrent cell (PyTorch spellings like LSTM, RNN_TANH work too)",
  },
  { flag: "emsize", key: "emsize", type: "int", placeholder: "N", help: "embedding size; 0 = one-hot input (d2l)" },
  { flag: "nhid", key: "nhid", type: "int", placeholder: "N", help: "hidden units per layer" },
  { flag: "nlayers", key: "nlayers", type: "int", placeholder: "N", help: "recurrent layers" },
  { flag: "lr", key: "lr", type: "number", placeholder: "LR", help: "learning rate" },
  { flag: "clip", key: "clip", type: "number", placeholder: "NORM", help: "clip the gradient's global norm; 0 = off" },
  { flag: "epochs", key: "epochs", type: "int", placeholder: "N", help: "epochs (a resumed run continues to N)" },
  { flag: "batch-size", key: "batchSize", type: "int", placeholder: "B", help: "batch size" },
  {
    flag: "bptt",
    aliases: ["num-steps"],
    key: "bptt",
    type: "int",
    placeholder: "T",
    help: "time steps per batch (d2l num_steps)",
  },
  {
    flag: "dropout",
    key: "dropout",
    type: "number",
    placeholder: "P",
    help: "dropout on the input, between layers and before the decoder",
  },
  { flag: "tied", key: "tied", type: "boolean", negatable: true, help: "tie decoder and embedding (emsize = nhid)" },
  { flag: "seed", key: "seed", type: "int", placeholder: "S", help: "seeds initialisation, batches and dropout" },
  {
    flag: "sampling",
    key: "sampling",
    type: "choice",
    choices: ["random", "sequential", "bptt"],
    help: "batches: d2l random / sequential, or word-LM bptt windows",
  },
  {
    flag: "max-tokens",
    key: "maxTokens",
    type: "int",
    nullWords: ["all"],
    placeholder: "N|all",
    help: "keep the first N tokens of each split",
  },
  {
    flag: "optimizer",
    key: "optimizer",
    type: "choice",
    choices: ["sgd", "adam", "rmsprop"],
    help: "optimizer (PyTorch's SGD, Adam, RMSprop)",
  },
  {
    flag: "alpha",
    key: "alpha",
    type: "number",
    placeholder: "A",
    help: "RMSprop smoothing constant (char-rnn decay_rate); default 0.99",
  },
  {
    flag: "backend",
    key: "backend",
    type: "string",
    placeholder: "HINTS",
    help: "auto, tfjs[:cuda|cpu-native|wasm|cpu], onnx[:cpu|wasm], reference; a comma list tries each",
  },
  { flag: "device", key: "device", type: "string", placeholder: "DEV", help: "device for a --backend given alone" },
  {
    flag: "threads",
    key: "threads",
    type: "int",
    nullWords: ["auto"],
    placeholder: "N|auto",
    help: "CPU threads of the backend (training is repeatable for a given count); auto: RNNLM_THREADS, else the device's default",
  },
  { flag: "save", key: "save", type: "string", placeholder: "DIR", help: "run folder: last/, best/, perplexity.svg" },
  {
    flag: "log-interval",
    key: "logInterval",
    type: "int",
    placeholder: "N",
    help: "batches between log lines when not on a terminal; 0 = epochs only",
  },
  { flag: "init", key: "init", type: "choice", choices: [...INIT_SCHEMES], help: "weight initialisation" },
  {
    flag: "init-scale",
    key: "initScale",
    type: "number",
    placeholder: "S",
    help: "--init uniform: every weight and bias U(±S) (default 0.1; TensorFlow PTB init_scale)",
  },
  {
    flag: "loss-reduction",
    key: "lossReduction",
    type: "choice",
    choices: [...LOSS_REDUCTIONS],
    help: "the loss --lr and --clip are stated for: mean per token (as is), sum-steps (TensorFlow PTB: lr×bptt, clip÷bptt), gluon (lr×bptt)",
  },
  {
    flag: "schedule",
    key: "schedule",
    type: "choice",
    choices: ["constant", "plateau", "step"],
    help: "learning rate: constant; plateau (× --lr-decay when validation does not improve); step (× --lr-decay every epoch after --max-epoch)",
  },
  {
    flag: "lr-decay",
    key: "lrDecay",
    type: "number",
    placeholder: "F",
    help: "the schedule's factor (default 0.25 for plateau, 0.5 for step)",
  },
  {
    flag: "max-epoch",
    key: "maxEpoch",
    type: "int",
    placeholder: "N",
    help: "step schedule: epochs at the initial lr before it decays (TensorFlow max_epoch, char-rnn learning_rate_decay_after)",
  },
  {
    flag: "eval-batch-size",
    key: "evalBatchSize",
    type: "int",
    placeholder: "B",
    help: "batch size for validation and test",
  },
];

/** The flag that sets a config key (for error messages and the README table). */
export function flagOfKey(key: string): string {
  const def = CONFIG_FLAGS.find((d) => d.key === key);
  return def ? `--${def.flag}` : key;
}
