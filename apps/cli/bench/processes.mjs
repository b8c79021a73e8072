// What the PyTorch comparison benches share: running a whole process and noting which BLAS
// Debian's torch is using.
import { spawn, spawnSync } from "node:child_process";

/**
 * Runs `command` to its end with `env` added to this process's environment, collecting its
 * output; `onSpawn` gets the child (e.g. to interrupt it after a budget).
 * Resolves { code, stdout, stderr, seconds } (wall time of the whole process).
 */
export function runProcess(command, args, env = {}, onSpawn = undefined) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
    onSpawn?.(child);
  });
}

/** The BLAS library Debian's alternatives system selects (torch's speed depends on it), or "unknown". */
export function selectedBlas() {
  const query = spawnSync("update-alternatives", ["--query", "libblas.so.3-x86_64-linux-gnu"], { encoding: "utf8" });
  return query.stdout?.match(/^Value: (.*)$/m)?.[1] ?? "unknown";
}
