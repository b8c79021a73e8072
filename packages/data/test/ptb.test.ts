import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Corpus, loadCorpusFolder, loadPtb, loadTextFile } from "../src/index.js";
import { ptbDir } from "./paths.js";

/** Independent reference: PyTorch's data.Corpus written plainly (whole file, split, dict). */
function referenceIds(files: string[]): { words: Map<string, number>; ids: number[][] } {
  const words = new Map<string, number>();
  const ids = files.map((f) => {
    const out: number[] = [];
    const lines = readFileSync(f, "utf8").split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    for (const line of lines) {
      for (const w of [...line.split(" ").filter((s) => s.length > 0), "<eos>"]) {
        if (!words.has(w)) words.set(w, words.size);
        out.push(words.get(w)!);
      }
    }
    return out;
  });
  return { words, ids };
}

/** Index of the first difference (length counts), or -1; far cheaper than deep equality on 1M ids. */
function firstMismatch(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

describe("Penn Treebank", () => {
  let ptb: Corpus;
  beforeAll(async () => {
    ptb = await loadPtb(ptbDir);
  });

  it("929,589 / 73,760 / 82,430 tokens and 10,000 words", () => {
    expect(ptb.train.length).toBe(929_589);
    expect(ptb.valid!.length).toBe(73_760);
    expect(ptb.test!.length).toBe(82_430);
    expect(ptb.codec.size).toBe(10_000);
    expect(ptb.codec.tokenOf(ptb.codec.unkId)).toBe("<unk>");
    expect(ptb.codec.separator).toBe(" ");
  });

  it("ids in order of first appearance over train, then valid, then test (PyTorch data.Corpus)", () => {
    const ref = referenceIds(["train", "valid", "test"].map((s) => join(ptbDir, `ptb.${s}.txt`)));
    expect(ptb.codec.vocab.tokens.join("\n")).toBe([...ref.words.keys()].join("\n"));
    expect(firstMismatch(ptb.train, ref.ids[0])).toBe(-1);
    expect(firstMismatch(ptb.valid!, ref.ids[1])).toBe(-1);
    expect(firstMismatch(ptb.test!, ref.ids[2])).toBe(-1);
  });

  it("maxTokens cuts each split after the vocabulary is built", async () => {
    const cut = await loadPtb(ptbDir, { maxTokens: 1000 });
    expect(cut.codec.size).toBe(10_000);
    expect(cut.train).toEqual(ptb.train.subarray(0, 1000));
    expect(cut.valid).toEqual(ptb.valid!.subarray(0, 1000));
    expect(cut.test).toEqual(ptb.test!.subarray(0, 1000));
  });

  it("a saved codec encodes another file the same way (a checkpoint's vocabulary)", async () => {
    const valid = await loadTextFile(join(ptbDir, "ptb.valid.txt"), { codec: ptb.codec });
    expect(firstMismatch(valid.train, ptb.valid!)).toBe(-1);
    expect(valid.codec).toBe(ptb.codec);
  });
});

describe("loadCorpusFolder on a hand-made folder", () => {
  const dir = mkdtempSync(join(tmpdir(), "rnnlm-folder-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("accepts train.txt/valid.txt/test.txt; ids first-seen over train, valid, test (hand-computed)", async () => {
    writeFileSync(join(dir, "train.txt"), " a b \n b c\n");
    writeFileSync(join(dir, "valid.txt"), "d a\n");
    writeFileSync(join(dir, "test.txt"), "\ne");
    const c = await loadCorpusFolder(dir);
    // a 0, b 1, <eos> 2, c 3, d 4, e 5, then <unk> appended (the corpus has none)
    expect(c.codec.vocab.tokens).toEqual(["a", "b", "<eos>", "c", "d", "e", "<unk>"]);
    expect([...c.train]).toEqual([0, 1, 2, 1, 3, 2]);
    expect([...c.valid!]).toEqual([4, 0, 2]);
    expect([...c.test!]).toEqual([2, 5, 2]);
  });

  it("valid and test are optional unless all splits are required; char level works too", async () => {
    const only = mkdtempSync(join(tmpdir(), "rnnlm-only-"));
    try {
      writeFileSync(join(only, "ptb.train.txt"), "Ab\nba\n");
      const c = await loadCorpusFolder(only, { level: "char", clean: "d2l" });
      expect(c.valid).toBeNull();
      expect(c.test).toBeNull();
      // counts b 2, a 2; a seen first → <unk>, a, b
      expect(c.codec.vocab.tokens).toEqual(["<unk>", "a", "b"]);
      expect([...c.train]).toEqual([1, 2, 2, 1]);
      // Raw by default: case and line ends are tokens too (b 2, \n 2, then A, a once each).
      const raw = await loadCorpusFolder(only, { level: "char" });
      expect(raw.codec.vocab.tokens).toEqual(["<unk>", "b", "\n", "A", "a"]);
      expect(raw.codec.decode(raw.train)).toBe("Ab\nba\n");
      await expect(loadCorpusFolder(only, { requireAllSplits: true })).rejects.toThrow(
        /no valid file in .*rnnlm-only-.*: expected one of valid\.txt, ptb\.valid\.txt, wiki\.valid\.tokens/,
      );
    } finally {
      rmSync(only, { recursive: true, force: true });
    }
  });
});
