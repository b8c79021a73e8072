import type { CheckpointData } from "@rnnlm/core";
import { splitSavedConfig } from "./data-fingerprint.js";
import { type RunConfig, resolveRunConfig, runConfigSchema } from "./run-config.js";

/** The run configuration saved with a checkpoint (defaults for keys it lacks). */
export function checkpointRunConfig(checkpoint: CheckpointData): RunConfig {
  const result = runConfigSchema.partial().safeParse(splitSavedConfig(checkpoint.config).config);
  return resolveRunConfig(result.success ? result.data : {});
}
