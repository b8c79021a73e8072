import { CheckpointError } from "../errors.js";

/** The part of Web Crypto this needs; typed here so the module needs neither DOM nor Node types. */
interface DigestApi {
  digest(algorithm: "SHA-256", data: Uint8Array): Promise<ArrayBuffer>;
}

/**
 * Lower-case hex SHA-256 of `bytes`, through Web Crypto (`crypto.subtle`), which Node ≥ 20,
 * browsers and workers all have, so checkpoints encode the same everywhere.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = (globalThis as { crypto?: { subtle?: DigestApi } }).crypto?.subtle;
  if (subtle === undefined) {
    // Browsers hide crypto.subtle outside secure contexts (plain http on a non-local host).
    throw new CheckpointError(
      "cannot checksum checkpoint files: this environment has no Web Crypto (crypto.subtle). Fix: serve the page over https or from localhost, or use Node 20 or later",
    );
  }
  const digest = new Uint8Array(await subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
