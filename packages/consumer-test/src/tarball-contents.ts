import { expectSuccess, runCommand } from "./run-command.js";

export interface TarballContents {
  /** The packed `package.json`, as a registry would serve it. */
  readonly manifest: Record<string, unknown>;
  /** Paths inside the package (without npm's `package/` prefix), sorted. */
  readonly files: readonly string[];
}

/** Lists an npm tarball and reads its `package.json` (with the system `tar`). */
export async function readTarball(tarball: string): Promise<TarballContents> {
  const listing = expectSuccess(await runCommand("tar", ["-tzf", tarball], { cwd: "/" }));
  const files = listing.stdout
    .split("\n")
    .filter((line) => line.length > 0 && !line.endsWith("/"))
    .map((line) => line.replace(/^package\//, ""))
    .sort();
  const manifestText = expectSuccess(await runCommand("tar", ["-xzOf", tarball, "package/package.json"], { cwd: "/" }));
  return { manifest: JSON.parse(manifestText.stdout) as Record<string, unknown>, files };
}
