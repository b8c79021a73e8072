import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The monorepo root: the nearest folder above this file with a `pnpm-workspace.yaml`. */
export function findWorkspaceRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    if (dirname(dir) === dir)
      throw new Error(`no pnpm-workspace.yaml above ${start}: run this inside the rnnlm repository`);
  }
}

export interface WorkspacePackage {
  readonly name: string;
  readonly dir: string;
  readonly private: boolean;
}

/** Every package under `packages/*` and `apps/*` (the globs of pnpm-workspace.yaml). */
export function listWorkspacePackages(root: string): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const group of ["packages", "apps"]) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      const manifestPath = join(base, entry.name, "package.json");
      if (!entry.isDirectory() || !existsSync(manifestPath)) continue;
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { name?: unknown; private?: unknown };
      if (typeof manifest.name !== "string") throw new Error(`${manifestPath} has no name`);
      found.push({ name: manifest.name, dir: join(base, entry.name), private: manifest.private === true });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** The packages `changeset publish` publishes: every workspace package not marked private. */
export function publishedPackages(root: string): WorkspacePackage[] {
  return listWorkspacePackages(root).filter((p) => !p.private);
}
