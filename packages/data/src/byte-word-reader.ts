import { open } from "node:fs/promises";
import type { ByteWordTable } from "./byte-word-table.js";
import { fileError } from "./line-reader.js";

/**
 * Length of the whitespace character starting at `bytes[i]` (Python's `str.isspace` set, in
 * UTF-8), or 0 when it is not whitespace. `\n` and `\r` are handled by the caller.
 */
function spaceLength(bytes: Uint8Array, i: number, end: number): number {
  const b = bytes[i];
  if (b < 0x80) return b === 0x20 || (b >= 0x09 && b <= 0x0d) || (b >= 0x1c && b <= 0x1f) ? 1 : 0;
  if (b === 0xc2) return i + 1 < end && (bytes[i + 1] === 0x85 || bytes[i + 1] === 0xa0) ? 2 : 0;
  if (b < 0xe1 || b > 0xe3 || i + 2 >= end) return 0;
  const c = bytes[i + 1];
  const d = bytes[i + 2];
  if (b === 0xe1) return c === 0x9a && d === 0x80 ? 3 : 0; // U+1680
  if (b === 0xe3) return c === 0x80 && d === 0x80 ? 3 : 0; // U+3000
  if (c === 0x80) return (d >= 0x80 && d <= 0x8a) || d === 0xa8 || d === 0xa9 || d === 0xaf ? 3 : 0; // U+2000…
  return c === 0x81 && d === 0x9f ? 3 : 0; // U+205F
}

/**
 * Streams a UTF-8 file of whitespace-separated words straight from bytes: the same tokens as
 * `readLines` + `WordTokenizer({ clean: "none" })` (lines end at `\n`, `\r\n` or `\r`; every
 * line, the last included, gets `eos`; a leading byte-order mark is dropped), but without a
 * string per word, which makes it several times faster and nearly garbage-free.
 */
export async function readWordIds(
  path: string,
  table: ByteWordTable,
  eos: string | null,
  push: (id: number) => void,
  resolveEos: (token: string) => number,
  chunkBytes = 1 << 20,
): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw fileError(path, e);
  }
  let eosId = -1;
  const endLine = (): void => {
    if (eos === null) return;
    if (eosId < 0) eosId = resolveEos(eos);
    push(eosId);
  };
  let lineOpen = false;
  /** Tokenises bytes[0, end); returns nothing, updates `lineOpen`. */
  const scan = (bytes: Uint8Array, end: number): void => {
    let i = 0;
    while (i < end) {
      const b = bytes[i];
      if (b === 0x0a || b === 0x0d) {
        endLine();
        lineOpen = false;
        i += b === 0x0d && i + 1 < end && bytes[i + 1] === 0x0a ? 2 : 1;
        continue;
      }
      lineOpen = true;
      const sp = spaceLength(bytes, i, end);
      if (sp > 0) {
        i += sp;
        continue;
      }
      const start = i;
      i++;
      while (i < end) {
        const c = bytes[i];
        if (c === 0x0a || c === 0x0d || spaceLength(bytes, i, end) > 0) break;
        i++;
      }
      push(table.idOf(bytes, start, i));
    }
  };
  try {
    let buffer = new Uint8Array(chunkBytes * 2);
    let carried = 0;
    let first = true;
    for (;;) {
      if (buffer.length - carried < chunkBytes) {
        const grown = new Uint8Array(carried + chunkBytes * 2);
        grown.set(buffer.subarray(0, carried));
        buffer = grown;
      }
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, carried, chunkBytes, null));
      } catch (e) {
        throw fileError(path, e);
      }
      let filled = carried + bytesRead;
      let begin = 0;
      if (first && filled >= 3 && buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) begin = 3;
      if (first && bytesRead > 0 && filled >= 3) first = false;
      if (bytesRead === 0) {
        scan(buffer.subarray(begin), filled - begin);
        if (lineOpen) endLine();
        break;
      }
      if (begin > 0) {
        buffer.copyWithin(0, begin, filled);
        filled -= begin;
      }
      // Cut after the last \n, else after the last space or tab: no word, no \r\n pair and no
      // multi-byte character can straddle that point. Keep the rest for the next chunk.
      let cut = buffer.lastIndexOf(0x0a, filled - 1) + 1;
      if (cut === 0) {
        const space = Math.max(buffer.lastIndexOf(0x20, filled - 1), buffer.lastIndexOf(0x09, filled - 1));
        cut = space + 1;
      }
      if (first) cut = 0; // fewer than 3 bytes so far: the BOM check needs more
      scan(buffer, cut);
      buffer.copyWithin(0, cut, filled);
      carried = filled - cut;
    }
  } finally {
    await handle.close();
  }
}
