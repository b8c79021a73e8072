import { runCommand } from "./run-command.js";

export type RegistryProbe =
  | { readonly ok: true; readonly registry: string }
  | { readonly ok: false; readonly reason: string };

/**
 * Whether plain `npm` can reach its registry (the consumer test installs third-party
 * dependencies from it): asks for a small package's version, with a short timeout.
 */
export async function probeNpmRegistry(cwd: string): Promise<RegistryProbe> {
  const registry = await runCommand("npm", ["config", "get", "registry"], { cwd, timeoutMs: 30_000 });
  if (registry.spawnError !== undefined) return { ok: false, reason: `npm cannot be started: ${registry.spawnError}` };
  const url = registry.stdout.trim();
  const view = await runCommand("npm", ["view", "pure-rand", "version", "--fetch-retries=0", "--fetch-timeout=20000"], {
    cwd,
    timeoutMs: 45_000,
  });
  if (view.status !== 0) {
    const lines = view.stderr.split("\n").map((l) => l.replace(/^npm (error|ERR!)\s*/, "").trim());
    const detail = (lines.find((l) => /FetchError|request to/.test(l)) ?? lines.find((l) => l.length > 0) ?? "").slice(
      0,
      300,
    );
    return { ok: false, reason: `the npm registry ${url} is unreachable (${detail || `exit code ${view.status}`})` };
  }
  return { ok: true, registry: url };
}
