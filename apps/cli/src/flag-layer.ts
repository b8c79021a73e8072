import { CONFIG_FLAGS, describeBadValue, exampleOf, flagOfKey } from "./config-keys.js";
import type { FlagValues } from "./parse-flags.js";
import { type PartialRunConfig, runConfigSchema } from "./run-config.js";
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
    const example = exampleOf(key);
    throw new UsageError(
      describeBadValue(key, layer[key], issue.message),
      example === undefined
        ? `run "rnnlm ${command} --help" for what it accepts`
        : `write e.g. ${flagOfKey(key)} ${example}`,
    );
  }
  return result.data;
}
