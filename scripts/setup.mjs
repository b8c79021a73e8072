// Installs the workspace (pinned pnpm, frozen lockfile) and builds every package,
// so the README's commands work on a machine with only Node 20 and npm.
import { spawnSync } from "node:child_process";

const root = new URL("..", import.meta.url);
function pnpm(...args) {
  const result = spawnSync(process.execPath, ["scripts/pnpm.mjs", ...args], { stdio: "inherit", cwd: root });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
pnpm("install", "--frozen-lockfile");
pnpm("exec", "turbo", "run", "build");
