import { sha256Hex } from "./sha256.js";

/** Size and SHA-256 of one file of a checkpoint, as `config.json` records them. */
export interface FileDigest {
  readonly bytes: number;
  /** Lower-case hex. */
  readonly sha256: string;
}

export async function digestOf(bytes: Uint8Array): Promise<FileDigest> {
  return { bytes: bytes.length, sha256: await sha256Hex(bytes) };
}
