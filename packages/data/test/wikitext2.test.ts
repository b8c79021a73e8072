import { describe, expect, it } from "vitest";
import { loadCorpusFolder } from "../src/index.js";
import { wikitext2Dir as dir } from "./paths.js";

describe("WikiText-2", () => {
  it("2,088,628 / 217,646 / 245,569 tokens, 33,278 words, 54,625 <unk> in train", async () => {
    const w = await loadCorpusFolder(dir);
    expect(w.train.length).toBe(2_088_628);
    expect(w.valid!.length).toBe(217_646);
    expect(w.test!.length).toBe(245_569);
    expect(w.codec.size).toBe(33_278);
    // the first line is " \n" (an empty line), so <eos> gets id 0 as in PyTorch's dictionary
    expect(w.codec.tokenOf(0)).toBe("<eos>");
    let unk = 0;
    for (const id of w.train) if (id === w.codec.unkId) unk++;
    expect(unk).toBe(54_625);
    // U+FEFF is a word for Python's str.split(), not whitespace
    expect(w.codec.vocab.has("\ufeff")).toBe(true);
  });
});
