import { createHash } from "node:crypto";
import type { Corpus } from "@rnnlm/data";
import { withCurrentKeyNames } from "./config-keys.js";

/** The key of a checkpoint's saved config that holds the fingerprint of the corpus it trained on. */
export const FINGERPRINT_KEY = "dataFingerprint";

/**
 * sha256 of the token ids of each split (as encoded for training), so a resumed run notices
 * an edited, truncated or swapped corpus even when the path and the vocabulary are unchanged.
 */
export function dataFingerprint(corpus: Pick<Corpus, "train" | "valid" | "test">): string {
  const hash = createHash("sha256");
  for (const [name, ids] of [
    ["train", corpus.train],
    ["valid", corpus.valid],
    ["test", corpus.test],
  ] as const) {
    hash.update(`${name}:${ids === null ? "none" : ids.length};`);
    if (ids !== null) hash.update(new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength));
  }
  return `sha256:${hash.digest("hex")}`;
}

/**
 * A checkpoint's saved config without the fingerprint (former key names made current), and the
 * fingerprint (if it has one).
 */
export function splitSavedConfig(saved: Record<string, unknown> | undefined): {
  config: Record<string, unknown>;
  fingerprint: string | undefined;
} {
  const { [FINGERPRINT_KEY]: fingerprint, ...config } = saved ?? {};
  return {
    config: withCurrentKeyNames(config),
    fingerprint: typeof fingerprint === "string" ? fingerprint : undefined,
  };
}
