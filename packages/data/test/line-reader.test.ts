import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { DataError } from "../src/errors.js";
import { readLines } from "../src/line-reader.js";

const dir = mkdtempSync(join(tmpdir(), "rnnlm-lines-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lines(content: string | Uint8Array, name = "f.txt"): Promise<string[]> {
  const path = join(dir, name);
  writeFileSync(path, content);
  const out: string[] = [];
  await readLines(path, (l) => out.push(l));
  return out;
}

/** Python's `open(path).read().splitlines()` restricted to \n, \r\n and \r (universal newlines). */
function reference(text: string): string[] {
  if (text.length === 0) return [];
  const parts = text.split(/\r\n|\r|\n/);
  if (/(\r\n|\r|\n)$/.test(text)) parts.pop();
  return parts;
}

describe("readLines", () => {
  it("splits on \\n, \\r\\n and a lone \\r; a final unterminated line counts; a BOM is dropped", async () => {
    expect(await lines("a\nb\r\nc\rd")).toEqual(["a", "b", "c", "d"]);
    expect(await lines("a\n\n")).toEqual(["a", ""]);
    expect(await lines("")).toEqual([]);
    expect(await lines("\ufeffhello\n")).toEqual(["hello"]);
  });

  it("handles a \\r\\n and a multi-byte character split across the 1 MiB chunk boundary", async () => {
    const head = "x".repeat((1 << 20) - 1);
    expect(await lines(`${head}\r\nnext\n`)).toEqual([head, "next"]);
    expect(await lines(`${head}\rnext`)).toEqual([head, "next"]);
    const euro = `${"y".repeat((1 << 20) - 2)}€z\nw`; // € is 3 bytes, straddling the boundary
    expect(await lines(euro)).toEqual([`${"y".repeat((1 << 20) - 2)}€z`, "w"]);
  });

  it("agrees with universal-newline splitting on random text", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom("a", "é", " ", "\n", "\r", "\r\n", "😀"), { maxLength: 40 }),
        async (pieces) => {
          const text = pieces.join("");
          expect(await lines(text, "p.txt")).toEqual(reference(text));
        },
      ),
      { numRuns: 40 },
    );
  });

  it("names the missing path", async () => {
    const missing = join(dir, "nope", "corpus.txt");
    await expect(readLines(missing, () => {})).rejects.toThrow(DataError);
    await expect(readLines(missing, () => {})).rejects.toThrow(`corpus file not found: ${missing}`);
    await expect(readLines(dir, () => {})).rejects.toThrow(/is a folder, not a text file/);
  });
});
