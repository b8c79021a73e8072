import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readWordIds } from "../src/byte-word-reader.js";
import { ByteWordTable } from "../src/byte-word-table.js";
import { readLines } from "../src/line-reader.js";
import { TokenCounter } from "../src/token-counter.js";
import { WordTokenizer } from "../src/word-tokenizer.js";

const dir = mkdtempSync(join(tmpdir(), "rnnlm-bytes-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Tokens via the fast byte path, with a tiny chunk size to exercise every boundary. */
async function viaBytes(path: string, eos: string | null, chunk: number): Promise<string[]> {
  const counter = new TokenCounter();
  const ids: number[] = [];
  const resolve = (t: string) => counter.intern(t);
  await readWordIds(path, new ByteWordTable(resolve), eos, (id) => ids.push(id), resolve, chunk);
  return ids.map((i) => counter.tokens[i]);
}

/** Tokens via the reference path: decoded lines + WordTokenizer. */
async function viaLines(path: string, eos: string | null): Promise<string[]> {
  const out: string[] = [];
  const t = new WordTokenizer({ eos });
  await readLines(path, (line) => t.tokenizeLine(line, (w) => out.push(w), true));
  return out;
}

const enc = new TextEncoder();
const PIECES = [
  "a",
  "bc",
  "é",
  "😀",
  " ",
  "  ",
  "\t",
  "\n",
  "\r",
  "\r\n",
  "\u000b",
  "\u001f",
  "\u0085",
  "\u00a0",
  "\u1680",
  "\u2003",
  "\u2028",
  "\u202f",
  "\u205f",
  "\u3000",
  "\ufeff",
  "\u2031",
  "\u3001",
];

describe("readWordIds (byte fast path) gives exactly the tokens of readLines + WordTokenizer", () => {
  it("on hand-picked text", async () => {
    const path = join(dir, "hand.txt");
    writeFileSync(path, "\ufeff the cat\u00a0sat \r\n\n on\u3000the\rmat");
    expect(await viaBytes(path, "<eos>", 4)).toEqual([
      "the",
      "cat",
      "sat",
      "<eos>",
      "<eos>",
      "on",
      "the",
      "<eos>",
      "mat",
      "<eos>",
    ]);
    expect(await viaLines(path, "<eos>")).toEqual(await viaBytes(path, "<eos>", 4));
  });

  it("on random text with every kind of whitespace and line break, for any chunk size", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...PIECES), { maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        fc.boolean(),
        async (pieces, chunk, withEos) => {
          const path = join(dir, "random.txt");
          writeFileSync(path, pieces.join(""));
          const eos = withEos ? "<eos>" : null;
          expect(await viaBytes(path, eos, chunk)).toEqual(await viaLines(path, eos));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("on arbitrary bytes (invalid UTF-8 included)", async () => {
    const interesting = [0x20, 0x0a, 0x0d, 0xc2, 0x85, 0xa0, 0xe2, 0x80, 0x8a, 0xe3, 0xef, 0xbb, 0xbf, 0x61, 0xff];
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom(...interesting), fc.integer({ min: 0, max: 255 })), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        async (bytes, chunk) => {
          const path = join(dir, "bytes.txt");
          writeFileSync(path, Uint8Array.from(bytes));
          expect(await viaBytes(path, "<eos>", chunk)).toEqual(await viaLines(path, "<eos>"));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("a long line without breaks, and the encoded text of a known sentence", async () => {
    const path = join(dir, "long.txt");
    const words = Array.from({ length: 3000 }, (_, i) => `w${i % 97}`);
    writeFileSync(path, enc.encode(words.join(" ")));
    expect(await viaBytes(path, "<eos>", 64)).toEqual([...words, "<eos>"]);
  });
});
