import { z } from "zod";
import { defaultsOfKeys, runConfigFields } from "./config-keys.js";
import { UsageError } from "./usage-error.js";

export { type ConfigKey, LOSS_REDUCTIONS, type LossReduction, normalizeCell, runConfigFields } from "./config-keys.js";

/** Every key of a run configuration with its type, from the table in `config-keys.ts`. */
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

/** Each key's default (`CONFIG_KEYS`). */
export const DEFAULT_CONFIG: RunConfig = defaultsOfKeys();

/**
 * The checks that involve two keys, each with an error naming the flags; the single keys'
 * types and ranges are their schemas. A config that passes both always makes a valid model
 * spec, optimizer and schedule.
 */
function checkKeyCombinations(config: RunConfig): void {
  if (config.tied && config.emsize !== config.nhid) {
    throw new UsageError(
      config.emsize === 0
        ? `--tied needs a learned embedding (--emsize 0 is one-hot input): --emsize equal to --nhid (${config.nhid})`
        : `--tied needs --emsize (${config.emsize}) = --nhid (${config.nhid})`,
      `add --emsize ${config.nhid}, or --no-tied`,
    );
  }
  if (config.initScale !== null && config.init !== "uniform") {
    throw new UsageError(
      `--init-scale applies to init "uniform" only (--init is "${config.init}")`,
      "add --init uniform, or drop --init-scale",
    );
  }
  if (config.alpha !== null && config.optimizer !== "rmsprop") {
    throw new UsageError(
      `--alpha ${config.alpha} is RMSprop's smoothing constant, but the optimizer is ${config.optimizer}`,
      "add --optimizer rmsprop, or drop --alpha",
    );
  }
  if (config.schedule === "plateau" && config.lrDecay !== null && config.lrDecay >= 1) {
    throw new UsageError(
      `--lr-decay ${config.lrDecay} never lowers the learning rate on a plateau`,
      "pass a factor below 1 (e.g. --lr-decay 0.25), or --schedule constant",
    );
  }
  if (config.schedule === "step" && config.maxEpoch === null) {
    throw new UsageError(
      "--schedule step needs --max-epoch N (epochs at the initial learning rate before it decays)",
      "add e.g. --max-epoch 4 --lr-decay 0.5 (Zaremba small)",
    );
  }
}

/**
 * Merges layers (later wins; undefined keeps the earlier value) and validates the result:
 * each layer was checked key by key where it was read, so what is left is how keys combine.
 */
export function resolveRunConfig(...layers: PartialRunConfig[]): RunConfig {
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) if (value !== undefined) merged[key] = value;
  }
  const config = runConfigSchema.parse(merged);
  checkKeyCombinations(config);
  return config;
}
