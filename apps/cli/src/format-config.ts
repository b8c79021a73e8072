import { CONFIG_FLAGS } from "./config-keys.js";
import type { RunConfig } from "./run-config.js";

/** The resolved configuration as aligned `--flag value` lines, the way to reproduce the run. */
export function formatConfig(config: RunConfig): string {
  const rows = CONFIG_FLAGS.filter((d) => d.key !== undefined).map((d) => {
    const value = config[d.key as keyof RunConfig];
    return [`--${d.flag}`, value === null ? "(auto)" : String(value)] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return rows.map(([flag, value]) => `  ${flag.padEnd(width)}${value}\n`).join("");
}
