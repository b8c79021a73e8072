import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { z } from "zod";
import { flagOfKey, RENAMED_KEYS, renamedWarning } from "./config-keys.js";
import { presetNames, presetsDir } from "./presets.js";
import { configFileSchema, type PartialRunConfig } from "./run-config.js";
import { UsageError } from "./usage-error.js";

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Finds a config: an existing file path, or the name of a shipped preset (`d2l-lstm`,
 * `d2l-lstm.json`). Throws a {@link UsageError} listing the presets when neither exists.
 */
export async function findConfigFile(nameOrPath: string): Promise<string> {
  if (await isFile(nameOrPath)) return nameOrPath;
  const name = nameOrPath.endsWith(".json") ? nameOrPath.slice(0, -".json".length) : nameOrPath;
  if (/^[A-Za-z0-9_.-]+$/.test(name)) {
    const preset = join(presetsDir(), `${name}.json`);
    if (await isFile(preset)) return preset;
  }
  throw new UsageError(
    `config "${nameOrPath}" is neither a file nor a preset`,
    `check the path, or use a preset: ${presetNames().join(", ")}`,
  );
}

/** `batch-size` and PyTorch's `batch_size` → `batchSize`. */
function camelCase(key: string): string {
  return key.replace(/[-_]([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `spelled` maps a normalised key back to how the file wrote it, so errors name the user's key. */
function describe(error: z.ZodError, spelled: ReadonlyMap<string, string>): string {
  return error.issues
    .map((issue) => {
      if (issue.code === "unrecognized_keys") {
        return `unknown key(s) ${issue.keys.map((k) => `"${spelled.get(k) ?? k}"`).join(", ")}`;
      }
      const key = issue.path.join(".");
      return `${key} (${flagOfKey(key)}): ${issue.message}`;
    })
    .join(", ");
}

/**
 * Reads and validates a JSON config file (keys camelCase, kebab-case or snake_case). A former
 * key name (`sampling`) is read as the current one and reported to `warn`.
 */
export async function readConfigFile(
  path: string,
  warn?: (message: string) => void,
): Promise<PartialRunConfig & { description?: string; $schema?: string }> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new UsageError(
      `config file ${path} is not valid JSON (${(error as Error).message})`,
      "fix the file; it holds one JSON object of config keys (see rnnlm train --help)",
    );
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UsageError(`config file ${path} is not a JSON object`, 'write e.g. {"model": "lstm", "nhid": 256}');
  }
  const normalized: Record<string, unknown> = Object.fromEntries(
    Object.entries(json).map(([k, v]) => [camelCase(k), v]),
  );
  const spelled = new Map(Object.keys(json).map((k) => [camelCase(k), k]));
  for (const [old, now] of RENAMED_KEYS) {
    if (!(old in normalized)) continue;
    const oldSpelling = spelled.get(old) ?? old;
    if (now in normalized) {
      throw new UsageError(
        `config file ${path} sets both "${oldSpelling}" and "${spelled.get(now) ?? now}" (the same key, renamed)`,
        `keep only "${now}"`,
      );
    }
    normalized[now] = normalized[old];
    delete normalized[old];
    spelled.set(now, oldSpelling);
    warn?.(`config file ${path}: ${renamedWarning(`"${oldSpelling}"`, `"${now}"`)}`);
  }
  const result = configFileSchema.safeParse(normalized);
  if (!result.success) {
    throw new UsageError(
      `config file ${path}: ${describe(result.error, spelled)}`,
      "fix the file or override the value with its flag (see rnnlm train --help)",
    );
  }
  return result.data;
}
