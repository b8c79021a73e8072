import { open } from "node:fs/promises";
import { resolve } from "node:path";
import { DataError } from "./errors.js";

const CHUNK_BYTES = 1 << 20;

/** Turns a file-system error into one clear {@link DataError} naming the path. */
export function fileError(path: string, e: unknown): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ENOENT") {
    return new DataError("ERR_FILE_NOT_FOUND", `corpus file not found: ${resolve(path)}; check the path`, { cause: e });
  }
  if (code === "EISDIR") {
    return new DataError("ERR_FILE_NOT_FOUND", `${resolve(path)} is a folder, not a text file`, { cause: e });
  }
  return e;
}

/**
 * Calls `onLine` for each line of `text` that ends in `\n`, `\r\n` or `\r` (Python's universal
 * newlines) and returns where the unfinished rest begins. A `\r` at the very end may be the
 * first half of `\r\n`, so it waits for more text unless `final`, which also flushes the rest.
 */
function splitLines(text: string, onLine: (line: string) => void, final: boolean): number {
  const n = text.length;
  let start = 0;
  if (text.indexOf("\r") === -1) {
    // Fast path (nearly every file): only \n ends lines.
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      onLine(text.slice(start, nl));
      start = nl + 1;
    }
  } else {
    start = splitAtAnyBreak(text, onLine, final);
  }
  if (final && start < n) {
    onLine(text.slice(start));
    return n;
  }
  return start;
}

function splitAtAnyBreak(text: string, onLine: (line: string) => void, final: boolean): number {
  const n = text.length;
  let start = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      onLine(text.slice(start, i));
      start = ++i;
    } else if (c === 13) {
      if (i + 1 === n && !final) return start;
      onLine(text.slice(start, i));
      i += i + 1 < n && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      start = i;
    } else {
      i++;
    }
  }
  return start;
}

/**
 * Reads a UTF-8 text file in 1 MiB chunks and calls `onLine` for each line, without its
 * line break (`\n`, `\r\n` or a lone `\r`). A final line without a line break is still a line; the empty piece after a
 * final line break is not. A byte-order mark is dropped.
 */
export async function readLines(path: string, onLine: (line: string) => void): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (e) {
    throw fileError(path, e);
  }
  try {
    const decoder = new TextDecoder("utf-8");
    const chunk = new Uint8Array(CHUNK_BYTES);
    let carry = "";
    for (;;) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null));
      } catch (e) {
        throw fileError(path, e);
      }
      if (bytesRead === 0) break;
      const text = carry + decoder.decode(chunk.subarray(0, bytesRead), { stream: true });
      carry = text.slice(splitLines(text, onLine, false));
    }
    const rest = carry + decoder.decode();
    splitLines(rest, onLine, true);
  } finally {
    await handle.close();
  }
}
