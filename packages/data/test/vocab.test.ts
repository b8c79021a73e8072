import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DataError } from "../src/errors.js";
import { Vocab } from "../src/vocab.js";

const chars = (s: string): string[] => [...s];

describe("Vocab, d2l frequency order", () => {
  it("<unk> first, then reserved, then by count; ties in first-seen order (hand-checked)", () => {
    // counts: b 3, a 2, c 2, d 1 — a was seen before c, so a precedes c
    const v = Vocab.build(chars("badcabcb"), { reserved: ["<pad>"] });
    expect(v.tokens).toEqual(["<unk>", "<pad>", "b", "a", "c", "d"]);
    expect(v.unkId).toBe(0);
    expect(v.idOf("c")).toBe(4);
    expect(v.idOf("zzz")).toBe(0);
  });

  it("drops tokens rarer than minFreq (they map to <unk>)", () => {
    const v = Vocab.build(chars("badcabcb"), { minFreq: 2 });
    expect(v.tokens).toEqual(["<unk>", "b", "a", "c"]);
    expect([...v.encode(chars("dab"))]).toEqual([0, 2, 1]);
  });

  it("a literal <unk> in the corpus merges into id 0", () => {
    expect(Vocab.build(["x", "<unk>", "<unk>", "x", "x"]).tokens).toEqual(["<unk>", "x"]);
  });
});

describe("Vocab, word-LM first-seen order", () => {
  it("ids in order of first appearance; the corpus's own <unk> keeps its place", () => {
    const v = Vocab.build(["the", "<unk>", "cat", "the", "<eos>"], { order: "first-seen" });
    expect(v.tokens).toEqual(["the", "<unk>", "cat", "<eos>"]);
    expect(v.unkId).toBe(1);
  });

  it("a corpus without <unk> gets it appended last, so its own ids match PyTorch's", () => {
    const v = Vocab.build(["a", "b", "a"], { order: "first-seen" });
    expect(v.tokens).toEqual(["a", "b", "<unk>"]);
    expect(v.idOf("never")).toBe(2);
  });

  it("reserved tokens come first; minFreq drops rare tokens but never <unk>", () => {
    const v = Vocab.build(["a", "b", "<unk>", "a", "c", "c"], { order: "first-seen", minFreq: 2, reserved: ["<pad>"] });
    expect(v.tokens).toEqual(["<pad>", "a", "<unk>", "c"]);
  });
});

describe("Vocab encode/decode and JSON", () => {
  it("tokenOf rejects ids outside the vocabulary", () => {
    const v = Vocab.build(chars("ab"));
    expect(v.tokenOf(2)).toBe("b");
    for (const bad of [-1, 3, 1.5, Number.NaN]) {
      expect(() => v.tokenOf(bad)).toThrow(/outside the vocabulary \(ids 0…2\)/);
    }
  });

  it("round-trips through toJSON/fromJSON (object and text)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 4 }), { maxLength: 60 }),
        fc.constantFrom("frequency" as const, "first-seen" as const),
        fc.nat(3),
        (tokens, order, minFreq) => {
          const v = Vocab.build(tokens, { order, minFreq });
          for (const copy of [Vocab.fromJSON(v.toJSON()), Vocab.fromJSON(JSON.stringify(v))]) {
            expect(copy.tokens).toEqual(v.tokens);
            expect(copy.unkId).toBe(v.unkId);
          }
          // every kept token decodes back to itself; dropped ones decode to <unk>
          const decoded = v.decode(v.encode(tokens));
          decoded.forEach((d, i) => {
            expect(d).toBe(v.has(tokens[i]) ? tokens[i] : "<unk>");
          });
          expect(new Set(v.tokens).size).toBe(v.size);
        },
      ),
    );
  });

  it("fromJSON rejects anything that is not a vocabulary, saying what is wrong", () => {
    const good = { format: "rnnlm-vocab", version: 1, unk: "<unk>", tokens: ["<unk>", "a"] };
    const cases: [unknown, RegExp][] = [
      ["{not json", /the text is not JSON/],
      [42, /not an object/],
      [null, /not an object/],
      [[], /not an object/],
      [{ ...good, format: "vocab" }, /format is "vocab"/],
      [{ ...good, version: 2 }, /version 2 is not supported/],
      [{ ...good, tokens: "ab" }, /tokens is not an array/],
      [{ ...good, unk: 0 }, /unk is not a string/],
      [{ ...good, tokens: ["<unk>", 3] }, /tokens\[1\] is not a non-empty string/],
      [{ ...good, tokens: ["<unk>", "a", "a"] }, /token "a" appears twice \(ids 1 and 2\)/],
      [{ ...good, unk: "<oov>" }, /"<oov>" is not among the tokens/],
    ];
    for (const [json, message] of cases) {
      let caught: unknown;
      try {
        Vocab.fromJSON(json);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DataError);
      expect((caught as DataError).code).toBe("ERR_VOCAB_JSON");
      expect((caught as DataError).message).toMatch(message);
      expect((caught as DataError).message).toMatch(/as Vocab\.toJSON\(\) writes it/);
    }
    expect(Vocab.fromJSON(good).size).toBe(2);
  });
});
