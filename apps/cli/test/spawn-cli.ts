import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The built binary, run exactly as a user runs it. */
export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface SpawnOptions {
  readonly cwd: string;
  readonly env?: Record<string, string>;
  /** Called with each chunk of stdout; may signal the child. */
  readonly onStdout?: (text: string, child: ChildProcess) => void;
}

/** Spawns `node dist/bin.js …args` and resolves when it exits. */
export function spawnCli(args: readonly string[], options: SpawnOptions): Promise<CliRun> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build the CLI first (pnpm --filter @rnnlm/cli build)`);
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env };
    if (options.env?.RNNLM_BACKEND === undefined) delete env.RNNLM_BACKEND;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(stdout, child);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** The lines `rnnlm: error: …` in stderr. */
export function errorLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.startsWith("rnnlm: error: "));
}
