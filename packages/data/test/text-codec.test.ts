import { describe, expect, it } from "vitest";
import { CharTokenizer } from "../src/char-tokenizer.js";
import { DataError } from "../src/errors.js";
import { TextCodec } from "../src/text-codec.js";
import { Vocab } from "../src/vocab.js";
import { WordTokenizer } from "../src/word-tokenizer.js";

describe("TextCodec", () => {
  const chars = new TextCodec(new CharTokenizer(), Vocab.build([..."the time machine"]));
  const words = new TextCodec(new WordTokenizer(), Vocab.build(["the", "cat", "<eos>"], { order: "first-seen" }));

  it("has core's TokenCodec members", () => {
    expect(chars.size).toBe(chars.vocab.size);
    expect(chars.unkId).toBe(0);
    expect(chars.separator).toBe("");
    expect(words.separator).toBe(" ");
    expect(words.unkId).toBe(3);
    expect(chars.tokenize("The, Time")).toEqual([..."the time"]);
    expect(chars.idOf("e")).toBe(chars.vocab.idOf("e"));
    expect(chars.tokenOf(1)).toBe(chars.vocab.tokens[1]);
  });

  it("encodes and decodes text", () => {
    const ids = chars.encode("Time!");
    expect(ids).toBeInstanceOf(Int32Array);
    expect(chars.decode(ids)).toBe("time ");
    expect(chars.decode(chars.encode("zebra"))).toBe("<unk>e<unk><unk>a"); // "the time machine" has e and a
    expect(words.decode(words.encode("the dog\nthe cat"))).toBe("the <unk> <eos> the cat");
  });

  it("round-trips through JSON, tokenizer options included", () => {
    const raw = new TextCodec(new CharTokenizer({ clean: "none", keepNewlines: true }), Vocab.build([..."ab\n"]));
    for (const codec of [chars, words, raw]) {
      const copy = TextCodec.fromJSON(JSON.stringify(codec));
      expect(copy.toJSON()).toEqual(codec.toJSON());
      expect([...copy.encode("The cat\nab")]).toEqual([...codec.encode("The cat\nab")]);
    }
  });

  it("rejects a malformed description with one clear error", () => {
    const good = chars.toJSON();
    const cases: [unknown, string, RegExp][] = [
      ["nope", "ERR_CODEC_JSON", /not a text codec: the text is not JSON/],
      [{ ...good, format: "x" }, "ERR_CODEC_JSON", /format is "x"/],
      [{ ...good, version: 9 }, "ERR_CODEC_JSON", /version 9/],
      [{ ...good, tokenizer: { kind: "bpe", clean: "none" } }, "ERR_CODEC_JSON", /kind is "bpe"/],
      [{ ...good, tokenizer: { kind: "char", clean: "nfc", keepNewlines: false } }, "ERR_CODEC_JSON", /clean is "nfc"/],
      [{ ...good, tokenizer: { kind: "word", clean: "none", eos: "a b" } }, "ERR_CODEC_JSON", /eos must be/],
      [{ ...good, vocab: { format: "rnnlm-vocab" } }, "ERR_VOCAB_JSON", /version undefined/],
    ];
    for (const [json, code, message] of cases) {
      let caught: unknown;
      try {
        TextCodec.fromJSON(json);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DataError);
      expect((caught as DataError).code).toBe(code);
      expect((caught as DataError).message).toMatch(message);
    }
  });
});
