import { readdirSync } from "node:fs";
import { join } from "node:path";
import { expectSuccess, runCommand } from "./run-command.js";

/**
 * Packs packages with the workspace's pinned pnpm (`scripts/pnpm.mjs pack`), which rewrites
 * `workspace:*` ranges to real versions as `pnpm publish` does. Returns package name → tarball.
 * The packages must be built (`dist/`) first.
 */
export async function packPackages(
  root: string,
  names: readonly string[],
  destination: string,
): Promise<Map<string, string>> {
  const filters = names.flatMap((name) => ["--filter", name]);
  expectSuccess(
    await runCommand(process.execPath, ["scripts/pnpm.mjs", ...filters, "pack", "--pack-destination", destination], {
      cwd: root,
    }),
  );
  const tarballs = new Map<string, string>();
  const files = readdirSync(destination);
  for (const name of names) {
    // pnpm names a tarball `<scope>-<name>-<version>.tgz` (no "@", "/" → "-").
    const stem = name.replace(/^@/, "").replace("/", "-");
    const matches = files.filter((f) => f.startsWith(`${stem}-`) && /^\d/.test(f.slice(stem.length + 1)));
    if (matches.length !== 1) {
      throw new Error(`expected one tarball for ${name} in ${destination}, found ${matches.join(", ") || "none"}`);
    }
    tarballs.set(name, join(destination, matches[0]));
  }
  return tarballs;
}
