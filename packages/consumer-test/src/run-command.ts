import { spawn } from "node:child_process";

export interface CommandResult {
  readonly command: string;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the program could not be started at all (e.g. not installed). */
  readonly spawnError?: string;
}

export interface RunCommandOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kills the command after this many milliseconds (default 5 minutes). */
  readonly timeoutMs?: number;
}

/** Runs a program without a shell and collects its output (asynchronously, so tests keep their timers). */
export function runCommand(file: string, args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  const command = [file, ...args].join(" ");
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeout: options.timeoutMs ?? 300_000,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", (error) => resolve({ command, status: null, stdout, stderr, spawnError: error.message }));
    child.on("close", (status) => resolve({ command, status, stdout, stderr }));
  });
}

/** Throws with the command's output when it did not exit 0. */
export function expectSuccess(result: CommandResult): CommandResult {
  if (result.status !== 0) {
    const why = result.spawnError ?? `exit code ${result.status}`;
    throw new Error(`${result.command} failed (${why}):\n${result.stdout}\n${result.stderr}`.trimEnd());
  }
  return result;
}
