import { CONFIG_FLAGS, flagOfKey } from "./config-keys.js";
import type { FlagValues } from "./parse-flags.js";
import { NUMERIC_RANGES } from "./flag-ranges.js";
import { type ConfigKey, type PartialRunConfig, runConfigSchema } from "./run-config.js";
import { UsageError } from "./usage-error.js";

/** The config keys set by flags, validated (ranges, e.g. `--nhid 0`), named by flag in errors. */
export function configLayerFromFlags(values: FlagValues, command: string): PartialRunConfig {
  const layer: Record<string, unknown> = {};
  for (const def of CONFIG_FLAGS) {
    if (def.key !== undefined && def.flag in values) layer[def.key] = values[def.flag];
  }
  const result = runConfigSchema.partial().safeParse(layer);
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = String(issue.path[0] ?? "");
    const range = NUMERIC_RANGES[key as ConfigKey];
    if (range !== undefined) {
      throw new UsageError(
        `${flagOfKey(key)} ${JSON.stringify(layer[key])} is out of range: it takes ${range.allowed}`,
        `write e.g. ${flagOfKey(key)} ${range.example}`,
      );
    }
    throw new UsageError(
      `${flagOfKey(key)} ${JSON.stringify(layer[key])} is invalid: ${issue.message}`,
      `run "rnnlm ${command} --help" for what it accepts`,
    );
  }
  return result.data;
}
