import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The folder of shipped presets (`apps/cli/presets/`, next to `dist/`). */
export function presetsDir(): string {
  return fileURLToPath(new URL("../presets/", import.meta.url));
}

/** Names of the shipped presets (file names without `.json`), sorted. */
export function presetNames(): string[] {
  try {
    return readdirSync(presetsDir())
      .filter((name) => name.endsWith(".json"))
      .map((name) => name.slice(0, -".json".length))
      .sort();
  } catch {
    return [];
  }
}
