import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The repository root (packages/data/test → ../../..). */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
/** PTB fixture, committed in the repository (never in the published package). */
export const ptbDir = `${repoRoot}fixtures/ptb`;
/** Shared datasets beside the checkout (`../shared/datasets`); CI has them there too. */
export const sharedDatasets = `${repoRoot}../shared/datasets`;

/**
 * Whether a dataset outside the repository is there. When it is not, tests skip with a printed
 * reason, unless RNNLM_REQUIRE_TOOLS=1, where a missing dataset is a failure.
 */
export function datasetAvailable(path: string, what: string): boolean {
  if (existsSync(path)) return true;
  const reason = `${what} not found at ${path} (expected ../shared/datasets beside the checkout)`;
  if (process.env.RNNLM_REQUIRE_TOOLS === "1") throw new Error(`${reason}; RNNLM_REQUIRE_TOOLS=1 makes this a failure`);
  console.warn(`skipping ${what} tests: ${reason}`);
  return false;
}
