import type { CheckpointData } from "@rnnlm/core";
import { type RunConfig, resolveRunConfig, runConfigSchema } from "./run-config.js";

/** The run configuration saved with a checkpoint (defaults for keys it lacks). */
export function checkpointRunConfig(checkpoint: CheckpointData): RunConfig {
  const { partialEpoch: _, ...keys } = checkpoint.config ?? {};
  const result = runConfigSchema.partial().safeParse(keys);
  return resolveRunConfig(result.success ? result.data : {});
}
