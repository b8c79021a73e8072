import { readFileSync } from "node:fs";

/** The installed CLI's version, read from its own package.json so a release never prints a stale number. */
export function cliVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version?: unknown;
  };
  if (typeof manifest.version !== "string") throw new Error("@rnnlm/cli's package.json has no version");
  return manifest.version;
}
