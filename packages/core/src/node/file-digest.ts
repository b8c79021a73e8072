import { createHash } from "node:crypto";

/** Size and SHA-256 of one file of a checkpoint, as `config.json` records them. */
export interface FileDigest {
  readonly bytes: number;
  /** Lower-case hex. */
  readonly sha256: string;
}

export function digestOf(bytes: Uint8Array): FileDigest {
  return { bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
}
