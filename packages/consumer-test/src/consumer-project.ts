import { copyFile, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CommandResult, expectSuccess, runCommand } from "./run-command.js";

/** The consumer's sources and tsconfigs (`main.ts`, `browser.ts`, `tsconfig.*.json`). */
export const FIXTURE_DIR = fileURLToPath(new URL("../fixture/", import.meta.url));

/**
 * The `.npmrc` a consumer of @rnnlm/backend-onnx needs: onnxruntime-node's install script
 * downloads CUDA libraries from outside the npm registry (its CPU binaries ship in the package).
 */
export const CONSUMER_NPMRC = "onnxruntime-node-install=skip\n";

/**
 * The environment for the consumer's npm and node: this process's, less what pnpm and the
 * package scripts around this test set for themselves (lifecycle, package and agent
 * variables), and less `RNNLM_BACKEND`, so the consumer's own configuration decides.
 */
export function consumerEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_lifecycle_|npm_package_|pnpm_|PNPM_)/i.test(key)) continue;
    if (["npm_config_user_agent", "npm_execpath", "npm_node_execpath", "npm_command", "RNNLM_BACKEND"].includes(key)) {
      continue;
    }
    env[key] = value;
  }
  return { ...env, ...extra };
}

/**
 * Makes an empty npm project in `dir` (package.json, .npmrc, the fixture sources) and installs
 * the tarballs with plain `npm install`, plus `@types/node` for the Node program. Returns npm's output.
 */
export async function createConsumerProject(dir: string, tarballs: readonly string[]): Promise<CommandResult> {
  const manifest = { name: "rnnlm-consumer", version: "1.0.0", private: true, type: "module" };
  await writeFile(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, ".npmrc"), CONSUMER_NPMRC);
  for (const file of await readdir(FIXTURE_DIR)) await copyFile(join(FIXTURE_DIR, file), join(dir, file));
  const args = ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs, "@types/node@^20"];
  return expectSuccess(await runCommand("npm", args, { cwd: dir, env: consumerEnv(), timeoutMs: 300_000 }));
}
