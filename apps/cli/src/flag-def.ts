import type { ConfigKey } from "./config-keys.js";

/** How a flag's text becomes a value. */
export type FlagType = "string" | "int" | "number" | "boolean" | "choice";

/** One command-line flag: its spelling, type, help text and (for training flags) its config key. */
export interface FlagDef {
  /** Spelling without dashes, e.g. `batch-size`. */
  readonly flag: string;
  /** Other spellings users know (`num-steps` for `bptt`, `cell` for `model`). */
  readonly aliases?: readonly string[];
  readonly type: FlagType;
  readonly choices?: readonly string[];
  /** Words that mean "none" (null in the config), e.g. `all` for `--max-tokens`. */
  readonly nullWords?: readonly string[];
  /** The config key this flag sets. */
  readonly key?: ConfigKey;
  /** Placeholder in the help, e.g. `N`. */
  readonly placeholder?: string;
  readonly help: string;
  /** A boolean that also accepts `--no-<flag>`. */
  readonly negatable?: boolean;
  /** Former spellings, still accepted with a warning and named as typed in errors (`sampling`). */
  readonly renamedFrom?: readonly string[];
  /** Maps a choice as typed to its canonical spelling (PyTorch's `LSTM` → `lstm`). */
  readonly normalize?: (raw: string) => string;
}
