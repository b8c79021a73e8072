/**
 * The files of a checkpoint folder and the names rnnlm uses while writing one.
 *
 * ```
 * <dir>/config.json            format, version, spec, codec, config, size + sha256 of every other file
 * <dir>/model.safetensors      canonical float32 weights, PyTorch word_language_model state_dict order
 * <dir>/trainer.json           epoch, learning rate, best validation, history, options, RNG state
 * <dir>/optimizer.safetensors  optimizer buffers (only with trainer.json)
 * ```
 */
export const CHECKPOINT_FORMAT = "rnnlm-checkpoint";
/** Bumped when a reader of the previous version could not read the folder. */
export const CHECKPOINT_VERSION = 1;

export const MANIFEST_FILE = "config.json";
export const MODEL_FILE = "model.safetensors";
export const TRAINER_FILE = "trainer.json";
export const OPTIMIZER_FILE = "optimizer.safetensors";

/** Files listed (with their checksums) in `config.json`, in the order they are written. */
export const CHECKPOINT_DATA_FILES = [MODEL_FILE, TRAINER_FILE, OPTIMIZER_FILE] as const;
export type CheckpointDataFile = (typeof CHECKPOINT_DATA_FILES)[number];

/** A save in progress writes into `<dir>/.rnnlm-staging-<random>/`; readers ignore it. */
export const STAGING_PREFIX = ".rnnlm-staging-";
/**
 * A complete new checkpoint that is being moved into place. Its existence (with a
 * `config.json` inside) means the new checkpoint is committed: readers take each file from
 * here when present, else from `<dir>`, and the next save finishes the move.
 */
export const COMMIT_FOLDER = ".rnnlm-commit";

/** JSON files larger than this are refused before reading (a vocabulary of 1M words fits). */
export const MAX_JSON_FILE_BYTES = 256 * 1024 * 1024;
