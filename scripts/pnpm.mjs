// Runs the pinned pnpm without needing it installed globally: a fresh machine has
// only Node and npm, and corepack's signature check fails here, so use npx.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const root = new URL("..", import.meta.url);
const { packageManager } = JSON.parse(readFileSync(new URL("package.json", root), "utf8"));
const result = spawnSync("npx", ["--yes", packageManager, ...process.argv.slice(2)], {
  stdio: "inherit",
  cwd: root,
});
if (result.error) {
  console.error(`could not start ${packageManager} through npx: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
