// Stands in for node:crypto in the browser bundle, for @rnnlm/core's checkpoint encoder,
// which only calls createHash("sha256").update(data).digest("hex") (see vite.config.ts).
import { sha256Hex } from "./sha256.js";

interface Hash {
  update(data: string | Uint8Array, encoding?: "utf8"): Hash;
  digest(encoding: "hex"): string;
}

export function createHash(algorithm: string): Hash {
  if (algorithm !== "sha256") throw new Error(`only sha256 is available in the browser, not ${algorithm}`);
  const parts: Uint8Array[] = [];
  const hash: Hash = {
    update(data) {
      parts.push(typeof data === "string" ? new TextEncoder().encode(data) : data);
      return hash;
    },
    digest() {
      const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
      let offset = 0;
      for (const part of parts) {
        all.set(part, offset);
        offset += part.length;
      }
      return sha256Hex(all);
    },
  };
  return hash;
}
