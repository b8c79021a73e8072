import { TextCodec } from "@rnnlm/data";
import { describe, expect, it } from "vitest";
import { buildTrainingCorpus, VALID_FRACTION } from "../src/train/training-corpus.js";

const TEXT = "Hello, World!\nThe quick brown fox jumps over the lazy dog.\n".repeat(20);

describe("buildTrainingCorpus", () => {
  it("keeps raw characters and line breaks, and holds out the contiguous tail", () => {
    const corpus = buildTrainingCorpus(TEXT, "none", 10);
    const all = [...TEXT];
    expect(corpus.train.length + (corpus.valid?.length ?? 0)).toBe(all.length);
    expect(corpus.train.length).toBe(Math.floor(all.length * (1 - VALID_FRACTION)));
    expect(corpus.codec.decode(corpus.train) + corpus.codec.decode(corpus.valid ?? [])).toBe(TEXT);
    expect(corpus.codec.idOf("\n")).not.toBe(corpus.codec.unkId);
    expect(corpus.codec.idOf("H")).not.toBe(corpus.codec.idOf("h"));
    // The codec survives the JSON trip the exported .onnx metadata makes.
    expect(TextCodec.fromJSON(JSON.parse(JSON.stringify(corpus.codec.toJSON()))).decode(corpus.train)).toBe(
      corpus.codec.decode(corpus.train),
    );
  });

  it("cleans the d2l way when asked: lower-case letters and spaces, lines glued", () => {
    const corpus = buildTrainingCorpus(TEXT, "d2l", 10);
    const text = corpus.codec.decode(corpus.train);
    expect(text).toMatch(/^[a-z ]+$/);
    // d2l glues lines with nothing between them (its Time Machine reading).
    expect(text.startsWith("hello worldthe quick brown")).toBe(true);
  });

  it("trains on everything when the tail would be shorter than one validation window", () => {
    const corpus = buildTrainingCorpus("abcabcabcabc", "none", 100);
    expect(corpus.valid).toBeNull();
    expect(corpus.train.length).toBe(12);
  });

  it("refuses a text without two characters, saying what to do", () => {
    expect(() => buildTrainingCorpus("!!", "d2l", 1)).toThrow(/paste or pick a longer text/);
  });
});
