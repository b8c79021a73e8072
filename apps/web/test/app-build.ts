import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** apps/web */
export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
export const DIST_DIR = join(APP_DIR, "dist");

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** What the bundle is made of: the app's sources and the built packages it imports. */
function sourcesMtime(): number {
  const require = createRequire(join(APP_DIR, "package.json"));
  const inputs = ["src", "public", "build-tools", "index.html", "vite.config.ts", "package.json"].map((p) =>
    join(APP_DIR, p),
  );
  for (const pkg of ["@rnnlm/core", "@rnnlm/data", "@rnnlm/backend-onnx"]) {
    inputs.push(join(dirname(require.resolve(`${pkg}/package.json`)), "dist"));
  }
  return Math.max(...inputs.map(newestMtime));
}

/** Runs `vite build` unless dist/ is newer than everything it is built from. */
export function ensureAppBuilt(): void {
  const built = join(DIST_DIR, "index.html");
  if (existsSync(built) && statSync(built).mtimeMs >= sourcesMtime()) return;
  const vite = join(APP_DIR, "node_modules", "vite", "bin", "vite.js");
  const result = spawnSync(process.execPath, [vite, "build", "--logLevel", "error"], {
    cwd: APP_DIR,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`vite build failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}
