import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { CharTokenizer } from "../src/char-tokenizer.js";
import { createTokenizer } from "../src/create-tokenizer.js";
import { DataError } from "../src/errors.js";
import { loadTextFile } from "../src/load-text-file.js";
import { splitTail } from "../src/split-tail.js";
import { TextCodec } from "../src/text-codec.js";
import { Vocab } from "../src/vocab.js";
import { WordTokenizer } from "../src/word-tokenizer.js";

const dir = mkdtempSync(join(tmpdir(), "rnnlm-raw-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a raw character model sees of a text: line breaks folded to `\n`, nothing else changed. */
const folded = (text: string): string => text.replace(/\r\n|\r/g, "\n");

/** Any Unicode text, with line breaks of every style mixed in. */
const anyText = fc.string({
  unit: fc.oneof(
    fc.constantFrom("\n", "\r\n", "\r", " ", "É", "😀", "\u0301"),
    fc.string({ unit: "binary", maxLength: 1 }),
  ),
  maxLength: 200,
});

describe("raw character tokenization", () => {
  it("round-trips any Unicode text exactly (line breaks folded to \\n)", () => {
    const tokenizer = new CharTokenizer({ clean: "none", keepNewlines: true });
    fc.assert(
      fc.property(anyText, (text) => {
        const codec = new TextCodec(tokenizer, Vocab.build(tokenizer.tokenize(text)));
        const ids = codec.encode(text);
        expect(codec.decode(ids)).toBe(folded(text));
        expect([...ids].includes(codec.unkId)).toBe(false);
        // The codec survives its JSON form (what checkpoints and ONNX metadata store).
        const again = TextCodec.fromJSON(JSON.stringify(codec.toJSON()));
        expect([...again.encode(text)]).toEqual([...ids]);
      }),
      { numRuns: 300 },
    );
  });

  it("a file loads to exactly its text, every line ending in \\n", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        anyText.filter((t) => t.length > 0),
        async (text) => {
          const path = join(dir, `any-${n++}.txt`);
          writeFileSync(path, text, "utf8");
          const corpus = await loadTextFile(path);
          const expected = folded(text);
          expect(corpus.codec.decode(corpus.train)).toBe(expected.endsWith("\n") ? expected : `${expected}\n`);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("keeps case, digits, punctuation and newlines by default; lower and d2l clean on request", async () => {
    const path = join(dir, "play.txt");
    writeFileSync(path, "KING: Hark, 2 knights!\r\n\r\nQueen — ja.\n");
    const raw = await loadTextFile(path);
    expect(raw.codec.decode(raw.train)).toBe("KING: Hark, 2 knights!\n\nQueen — ja.\n");
    expect(raw.codec.toJSON().tokenizer).toEqual({ kind: "char", clean: "none", keepNewlines: true });
    const lower = await loadTextFile(path, { clean: "lower" });
    expect(lower.codec.decode(lower.train)).toBe("king: hark, 2 knights!\n\nqueen — ja.\n");
    const d2l = await loadTextFile(path, { clean: "d2l" });
    expect(d2l.codec.decode(d2l.train)).toBe("king hark knightsqueen ja");
  });

  it("maps characters the vocabulary lacks to <unk>", () => {
    const tokenizer = new CharTokenizer({ clean: "none", keepNewlines: true });
    const codec = new TextCodec(tokenizer, Vocab.build(tokenizer.tokenize("ab\n")));
    expect([...codec.encode("aZ\nb")].map((id) => codec.tokenOf(id))).toEqual(["a", "<unk>", "\n", "b"]);
  });

  it("reads codecs written before clean/keepNewlines were recorded as d2l-cleaned", () => {
    expect(createTokenizer({ kind: "char" }).toJSON()).toEqual({ kind: "char", clean: "d2l", keepNewlines: false });
    expect(createTokenizer({ kind: "char", clean: "lower", keepNewlines: true }).tokenize("Ab\n")).toEqual([
      "a",
      "b",
      "\n",
    ]);
    expect(() => createTokenizer({ kind: "char", clean: "upper", keepNewlines: true })).toThrow(/clean is "upper"/);
  });
});

describe("validation split of one file", () => {
  it("is the contiguous tail, deterministic and disjoint", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 40, maxLength: 300 }),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        (values, fraction) => {
          const ids = Int32Array.from(values);
          const a = splitTail(ids, fraction);
          const b = splitTail(ids, fraction);
          expect(a.train.length).toBe(Math.floor(ids.length * (1 - fraction)));
          expect([...a.train, ...a.valid]).toEqual(values);
          expect([...b.train]).toEqual([...a.train]);
          expect([...b.valid]).toEqual([...a.valid]);
        },
      ),
    );
  });

  it("loadTextFile keeps 10 % for validation and one vocabulary for both parts", async () => {
    const path = join(dir, "split.txt");
    const text = "abcdefghi\n".repeat(10);
    writeFileSync(path, text);
    const corpus = await loadTextFile(path, { validFraction: 0.1 });
    expect(corpus.train.length).toBe(90);
    expect(corpus.valid?.length).toBe(10);
    expect(corpus.codec.decode(corpus.train) + corpus.codec.decode(corpus.valid!)).toBe(text);
    const again = await loadTextFile(path, { validFraction: 0.1 });
    expect([...again.valid!]).toEqual([...corpus.valid!]);
    const cut = await loadTextFile(path, { validFraction: 0.1, maxTokens: 5 });
    expect([cut.train.length, cut.valid?.length]).toEqual([5, 5]);
  });

  it("bad fractions fail with one clear error", async () => {
    const path = join(dir, "short.txt");
    writeFileSync(path, "abc\n");
    for (const bad of [1, -0.1, 1.5, Number.NaN]) {
      await expect(loadTextFile(path, { validFraction: bad })).rejects.toThrow(
        /validFraction must be a number from 0 \(no split\) up to but excluding 1/,
      );
    }
    const error = await loadTextFile(path, { validFraction: 0.1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataError);
    expect((error as DataError).message).toMatch(
      /splits 4 tokens into 3 train and 1 validation tokens; each part needs at least 2/,
    );
  });
});

describe("rare words and characters map to <unk>", () => {
  it("maxSize keeps the most frequent tokens (ties: first seen), minFreq drops rare ones", () => {
    const words = "the cat the dog the cat a bird".split(" ");
    const capped = Vocab.build(words, { order: "first-seen", maxSize: 3 });
    expect(capped.tokens).toEqual(["the", "cat", "<unk>"]);
    expect(capped.idOf("dog")).toBe(capped.unkId);
    const frequent = Vocab.build(words, { order: "frequency", minFreq: 2 });
    expect(frequent.tokens).toEqual(["<unk>", "the", "cat"]);
    expect(() => Vocab.build(words, { maxSize: 0 })).toThrow(/maxSize must be an integer ≥ 1/);
  });

  it("a word codec built with a cap encodes unseen and dropped words as <unk>", async () => {
    const path = join(dir, "words.txt");
    writeFileSync(path, "the cat sat\nthe cat ran\n");
    const corpus = await loadTextFile(path, { level: "word", maxSize: 4 });
    // the 2, cat 2, <eos> 2 fit next to <unk>; sat and ran do not
    expect(corpus.codec.vocab.tokens).toEqual(["the", "cat", "<eos>", "<unk>"]);
    expect(corpus.codec.decode(corpus.train)).toBe("the cat <unk> <eos> the cat <unk> <eos>");
    expect(corpus.codec.decode(corpus.codec.encode("the zebra"))).toBe("the <unk>");
    expect(new WordTokenizer({ clean: "lower" }).tokenize("The CAT\n")).toEqual(["the", "cat", "<eos>"]);
  });
});
