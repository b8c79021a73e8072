import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadTimeMachine, timeMachinePath } from "../src/index.js";
import { repoRoot } from "./paths.js";

/** Independent reference: d2l's read_time_machine + tokenize('char') + Vocab, written plainly. */
function referenceVocab(): { length: number; tokens: string[] } {
  const lines = readFileSync(timeMachinePath(), "utf8").split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  const text = lines
    .map((l) =>
      l
        .replace(/[^A-Za-z]+/g, " ")
        .trim()
        .toLowerCase(),
    )
    .join("");
  const counts: Record<string, number> = {};
  const order: string[] = [];
  for (const c of text) {
    if (!(c in counts)) {
      counts[c] = 0;
      order.push(c);
    }
    counts[c]++;
  }
  // stable insertion sort by descending count
  const sorted: string[] = [];
  for (const c of order) {
    let i = sorted.length;
    while (i > 0 && counts[sorted[i - 1]] < counts[c]) i--;
    sorted.splice(i, 0, c);
  }
  return { length: text.length, tokens: ["<unk>", ...sorted] };
}

describe("The Time Machine", () => {
  it("ships the exact file d2l downloads (sha1 090b5e7e…) and publishes it", () => {
    const sha1 = createHash("sha1").update(readFileSync(timeMachinePath())).digest("hex");
    expect(sha1).toBe("090b5e7e70c295757f55df93cb0a180b9691891a");
    expect(timeMachinePath().startsWith(`${repoRoot}packages/data/corpora/`)).toBe(true);
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { files: string[] };
    expect(pkg.files).toContain("corpora");
  });

  it("whole book: 170,580 characters, 28 entries in d2l order", async () => {
    const { codec, train, valid, test } = await loadTimeMachine({ maxTokens: Number.POSITIVE_INFINITY });
    const ref = referenceVocab();
    expect(ref.length).toBe(170_580);
    expect(train.length).toBe(170_580);
    expect(codec.size).toBe(28);
    expect(codec.vocab.tokens).toEqual(ref.tokens);
    // the d2l book prints these first ten
    expect(codec.vocab.tokens.slice(0, 10)).toEqual(["<unk>", " ", "e", "t", "a", "i", "n", "o", "s", "h"]);
    expect(codec.decode(train.subarray(0, 29))).toBe("the time machine by h g wells");
    expect(valid).toBeNull();
    expect(test).toBeNull();
  });

  it("default: the vocabulary of the whole book, then the first 10,000 tokens", async () => {
    const full = await loadTimeMachine({ maxTokens: Number.POSITIVE_INFINITY });
    const cut = await loadTimeMachine();
    expect(cut.train.length).toBe(10_000);
    expect(cut.codec.vocab.tokens).toEqual(full.codec.vocab.tokens);
    expect([...cut.train]).toEqual([...full.train.subarray(0, 10_000)]);
    expect(cut.codec.toJSON().tokenizer).toEqual({ kind: "char", clean: "d2l", keepNewlines: false });
  });

  it("word level: d2l's word vocabulary (4,580 entries; the, i, and, of, a… first)", async () => {
    const { codec, train } = await loadTimeMachine({ level: "word", maxTokens: Number.POSITIVE_INFINITY });
    expect(codec.size).toBe(4580);
    expect(codec.vocab.tokens.slice(0, 10)).toEqual(["<unk>", "the", "i", "and", "of", "a", "to", "was", "in", "that"]);
    expect(codec.decode(train.subarray(0, 4))).toBe("the time machine by");
  });
});

describe("raw Time Machine (clean none) with a validation tail", () => {
  it("keeps the book as written: every distinct code point, newlines, 10 % tail for validation", async () => {
    const book = readFileSync(timeMachinePath(), "utf8").replace(/\r\n?/g, "\n");
    const text = book.endsWith("\n") ? book : `${book}\n`;
    const corpus = await loadTimeMachine({ clean: "none", validFraction: 0.1, maxTokens: Number.POSITIVE_INFINITY });
    const distinct = new Set(text);
    expect(corpus.codec.size).toBe(distinct.size + 1); // + <unk>
    expect(corpus.codec.vocab.has("\n")).toBe(true);
    const n = [...text].length;
    expect(corpus.train.length).toBe(Math.floor(n * 0.9));
    expect(corpus.codec.decode(corpus.train) + corpus.codec.decode(corpus.valid!)).toBe(text);
  });
});
