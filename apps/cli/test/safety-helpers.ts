import { createHash } from "node:crypto";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { expect } from "vitest";
import { errorLines } from "./spawn-cli.js";

/** Every file under `root` (or `root` itself, a file) with its sha256: what "byte-identical" compares. */
export async function snapshot(root: string): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  const visit = async (path: string): Promise<void> => {
    const info = await stat(path);
    if (info.isDirectory()) {
      for (const name of await readdir(path)) await visit(join(path, name));
    } else {
      result[relative(root, path) || "."] = createHash("sha256")
        .update(await readFile(path))
        .digest("hex");
    }
  };
  await visit(root);
  return result;
}

/** Exit code 2 and exactly one `rnnlm: error: <problem>; <fix>` line matching `pattern`. */
export function expectBadInput(run: { code: number | null; stderr: string }, pattern: RegExp): void {
  const lines = errorLines(run.stderr);
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).toContain("; ");
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(run.code).toBe(2);
}

/**
 * `rnnlm train` of a tiny model on the float64 reference backend (8 hidden units, 400 tokens:
 * about a second), saving to `save`; `extra` flags come last and win.
 */
export function tinyTrain(
  save: string,
  options: { readonly data?: string; readonly epochs?: number } = {},
  extra: readonly string[] = [],
): string[] {
  return [
    ...["train", "--config", "tiny", "--data", options.data ?? "timemachine", "--backend", "reference"],
    ...["--nhid", "8", "--max-tokens", "400"],
    ...(options.epochs === undefined ? [] : ["--epochs", String(options.epochs)]),
    ...["--log-interval", "0", "--save", save, ...extra],
  ];
}
