import { existsSync } from "node:fs";

/** Debian's Chromium (`apt-get install chromium`); Playwright's own browser download does not work here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Headless flags for a machine without a GPU or outside network: no sandbox (root in CI),
 * no GPU process, and none of Chromium's own background connections.
 */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH)
    ? null
    : `${CHROMIUM_PATH} is absent (install it with \`apt-get install -y chromium\`, or set CHROMIUM_PATH)`;
}

/** RNNLM_REQUIRE_TOOLS=1 (CI) turns a missing browser into a failure instead of a skip. */
export const toolsRequired = process.env.RNNLM_REQUIRE_TOOLS === "1";
