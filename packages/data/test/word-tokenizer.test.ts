import { describe, expect, it } from "vitest";
import { WordTokenizer } from "../src/word-tokenizer.js";

describe("WordTokenizer", () => {
  it("splits corpus lines on whitespace and appends <eos> to each, empty lines included", () => {
    const t = new WordTokenizer();
    const out: string[] = [];
    for (const line of [" the cat  sat ", "", "\tN dogs"]) t.tokenizeLine(line, (w) => out.push(w), true);
    expect(out).toEqual(["the", "cat", "sat", "<eos>", "<eos>", "N", "dogs", "<eos>"]);
    expect(t.separator).toBe(" ");
  });

  it("tokenize(): only line breaks give <eos>, so a prompt gets none", () => {
    const t = new WordTokenizer();
    expect(t.tokenize("the meaning of")).toEqual(["the", "meaning", "of"]);
    expect(t.tokenize("a b\nc\r\nd\re")).toEqual(["a", "b", "<eos>", "c", "<eos>", "d", "<eos>", "e"]);
    expect(t.tokenize("a\n")).toEqual(["a", "<eos>"]);
  });

  it("splits on Python's whitespace set: U+FEFF is a word, U+001F and U+00A0 are spaces", () => {
    const t = new WordTokenizer({ eos: null });
    expect(t.tokenize("a\u00a0b\u001fc \ufeff d\u3000e")).toEqual(["a", "b", "c", "\ufeff", "d", "e"]);
  });

  it("d2l word mode: cleaned words, no <eos>", () => {
    const t = new WordTokenizer({ clean: "d2l", eos: null });
    expect(t.tokenize("The Time-Machine, 1898.\nBy Wells")).toEqual(["the", "time", "machine", "by", "wells"]);
    expect(t.toJSON()).toEqual({ kind: "word", clean: "d2l", eos: null });
  });
});
