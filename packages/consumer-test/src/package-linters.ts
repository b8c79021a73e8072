import { join } from "node:path";
import { type CommandResult, runCommand } from "./run-command.js";

/** What a linter said about one tarball. */
export interface LintResult {
  readonly tool: "publint" | "attw";
  readonly ok: boolean;
  readonly output: string;
}

function toLint(tool: LintResult["tool"], result: CommandResult): LintResult {
  const output = `${result.stdout}${result.stderr}`.trim();
  return { tool, ok: result.status === 0, output: result.spawnError ? `${result.spawnError}\n${output}` : output };
}

/** `publint run <tarball> --strict`: packaging mistakes (exports targets, types order, fields); warnings fail. */
export async function runPublint(root: string, tarball: string): Promise<LintResult> {
  const bin = join(root, "node_modules", ".bin", "publint");
  return toLint("publint", await runCommand(bin, ["run", tarball, "--strict"], { cwd: root, timeoutMs: 120_000 }));
}

/**
 * `attw <tarball> --profile esm-only`: every entry point's types resolve, and match the
 * JavaScript, under TypeScript's `node16` (from ESM) and `bundler` resolution. The packages
 * are ESM-only, so `node10` and `node16` from CommonJS are not checked.
 */
export async function runAttw(root: string, tarball: string): Promise<LintResult> {
  const bin = join(root, "node_modules", ".bin", "attw");
  const args = [tarball, "--profile", "esm-only", "--format", "table-flipped", "--no-color", "--no-emoji"];
  return toLint("attw", await runCommand(bin, args, { cwd: root, timeoutMs: 120_000 }));
}
