import { fileURLToPath } from "node:url";

/** The repository root (packages/data/test → ../../..). */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
/** PTB fixture, committed in the repository (never in the published package). */
export const ptbDir = `${repoRoot}fixtures/ptb`;
/** WikiText-2 fixture (CC BY-SA 3.0), committed in the repository (never in the published package). */
export const wikitext2Dir = `${repoRoot}fixtures/wikitext-2`;
