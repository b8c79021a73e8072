import type { CheckpointData } from "../trainer-state.js";
import { checkpointWriteSteps } from "./checkpoint-commit.js";

/**
 * Writes a checkpoint folder (created if needed; an earlier checkpoint there is replaced):
 * `model.safetensors` (float32 canonical weights that PyTorch's `word_language_model`
 * `RNNModel` loads with `load_state_dict(strict=True)`), `config.json` (format, version,
 * spec, codec, config and the size + sha256 of every other file), and, when `data.trainer`
 * is given, `trainer.json` + `optimizer.safetensors`.
 *
 * Weights and optimizer buffers keep their dtype (float32, or float64 from the reference
 * backend). The write is atomic: if it is interrupted, the folder still loads as the previous
 * checkpoint or as this one. Only one writer per folder at a time.
 *
 * @throws CheckpointError when the data does not match its spec or the folder cannot be written.
 */
export async function saveCheckpoint(dir: string, data: CheckpointData): Promise<void> {
  const steps = checkpointWriteSteps(dir, data);
  while (!(await steps.next()).done) {
    // each step is durable on disk before the next begins
  }
}
