import { CONFIG_FLAGS } from "./config-keys.js";
import { effectiveOptimization } from "./model-spec-of.js";
import type { RunConfig } from "./run-config.js";

/**
 * The resolved configuration as aligned `--flag value` lines, the way to reproduce the run;
 * `--lr` and `--clip` say what they become on our loss when `--loss-reduction` converts them.
 */
export function formatConfig(config: RunConfig): string {
  const effective = effectiveOptimization(config);
  const notes: Partial<Record<string, string | null>> = { lr: effective.lrNote, clip: effective.clipNote };
  const rows = CONFIG_FLAGS.filter((d) => d.key !== undefined).map((d) => {
    const value = config[d.key as keyof RunConfig];
    const note = notes[d.key as string];
    return [`--${d.flag}`, `${value === null ? "(auto)" : String(value)}${note ? `   → ${note}` : ""}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, value]) => `  ${flag.padEnd(width)}${value}\n`).join("");
}
