import { describe, expect, it } from "vitest";
import { SeededRandom, type TokenCodec, TextGenerator } from "../src/index.js";
import { argmax, drawFrom, FEED_CHUNK_STEPS, samplingDistribution, softmax } from "../src/backend.js";
import { BigramModel } from "./bigram-model.js";

const chars = ["<unk>", "a", "b", "c"];
const codec: TokenCodec = {
  size: chars.length,
  unkId: 0,
  separator: "",
  tokenize: (text) => [...text],
  idOf: (token) => Math.max(0, chars.indexOf(token)),
  tokenOf: (id) => chars[id],
};

/** a → b → c → a with the given confidence margin. */
function cycleModel(margin = 5): BigramModel {
  const model = new BigramModel(4);
  const next = [1, 2, 3, 1];
  for (let from = 0; from < 4; from++) model.table[from * 4 + next[from]] = margin;
  return model;
}

describe("sampling distributions", () => {
  it("applies temperature, top-k and top-p as defined", () => {
    const logits = [Math.log(0.1), Math.log(0.2), Math.log(0.3), Math.log(0.4)];
    const p = softmax(logits);
    [0.1, 0.2, 0.3, 0.4].forEach((v, i) => {
      expect(p[i]).toBeCloseTo(v, 12);
    });
    // Temperature 1/2 samples from p²/Σp².
    const sq = samplingDistribution(logits, { temperature: 0.5 });
    const z = 0.01 + 0.04 + 0.09 + 0.16;
    [0.01, 0.04, 0.09, 0.16].forEach((v, i) => {
      expect(sq[i]).toBeCloseTo(v / z, 12);
    });
    const k2 = samplingDistribution(logits, { topK: 2 });
    expect(Array.from(k2)).toEqual([0, 0, expect.closeTo(3 / 7, 12), expect.closeTo(4 / 7, 12)]);
    // Nucleus 0.65: 0.4 + 0.3 reaches it, so two tokens remain.
    const p65 = samplingDistribution(logits, { topP: 0.65 });
    expect(Array.from(p65)).toEqual([0, 0, expect.closeTo(3 / 7, 12), expect.closeTo(4 / 7, 12)]);
    const p5 = samplingDistribution(logits, { topP: 0.35 });
    expect(Array.from(p5)).toEqual([0, 0, 0, 1]);
    expect(argmax([1, 3, 3, 2])).toBe(1);
  });

  it("draws tokens with the frequencies of the distribution", () => {
    const rng = new SeededRandom(42);
    const p = [0.1, 0.2, 0.3, 0.4];
    const counts = [0, 0, 0, 0];
    const n = 40_000;
    for (let i = 0; i < n; i++) counts[drawFrom(p, rng)]++;
    // Four standard deviations of a binomial proportion at n = 40,000 is under 0.01.
    counts.forEach((c, i) => {
      expect(Math.abs(c / n - p[i])).toBeLessThan(0.01);
    });
  });

  it("rejects invalid options with a message naming them", () => {
    expect(() => samplingDistribution([0, 1], { temperature: 0 })).toThrow(/temperature/);
    expect(() => samplingDistribution([0, 1], { topP: 1.5 })).toThrow(/topP/);
    expect(() => samplingDistribution([0, 1], { topK: -1 })).toThrow(/topK/);
  });
});

describe("TextGenerator", () => {
  it("warms up on the prefix and feeds back the argmax (d2l predict)", async () => {
    const gen = new TextGenerator(cycleModel(), codec);
    expect(await gen.generate("ab", 5)).toBe("abcabca");
  });

  it("streams tokens and is reproducible with a seed", async () => {
    const gen = new TextGenerator(cycleModel(1), codec);
    const take = async (seed: number) => {
      const out: string[] = [];
      for await (const t of gen.stream("a", 30, { temperature: 1.5, seed })) out.push(t);
      expect(out).toHaveLength(30);
      return out.join("|");
    };
    const first = await take(7);
    expect(await take(7)).toBe(first);
    expect(await take(8)).not.toBe(first);
  });

  it("is stateful: feed, nextDistribution, reset", async () => {
    const gen = new TextGenerator(cycleModel(), codec);
    expect(() => gen.nextDistribution()).toThrow(/feed a prefix/);
    await gen.feed("a");
    expect(argmax(gen.nextDistribution())).toBe(2);
    await gen.feed("b");
    expect(argmax(gen.nextDistribution())).toBe(3);
    gen.reset();
    expect(() => gen.nextLogits()).toThrow(/nothing was fed/);
  });

  it("maps unknown prefix characters to <unk> with a warning, not a crash", async () => {
    const warnings: string[] = [];
    const gen = new TextGenerator(cycleModel(), codec, { onWarning: (m) => warnings.push(m) });
    expect(await gen.generate("xa", 2)).toBe("xabc");
    expect(warnings).toEqual(['not in the vocabulary, read as <unk>: "x"']);
  });

  it("refuses a vocabulary that does not match the model", () => {
    expect(() => new TextGenerator(new BigramModel(5), codec)).toThrow(/use the vocabulary saved with the model/);
  });
});

describe("a long prefix", () => {
  it("is fed in chunks of at most FEED_CHUNK_STEPS steps, carrying the state across them", async () => {
    const model = cycleModel();
    const calls: { steps: number; h: number }[] = [];
    const forward = model.forward.bind(model);
    model.forward = async (input, state) => {
      calls.push({ steps: input.steps, h: state.h.dataSync()[0] });
      return forward(input, state);
    };
    const generator = new TextGenerator(model, codec);
    const length = 2 * FEED_CHUNK_STEPS + 7;
    const prefix = "abc".repeat(Math.ceil(length / 3)).slice(0, length);
    await generator.feed(prefix);
    expect(calls.map((c) => c.steps)).toEqual([FEED_CHUNK_STEPS, FEED_CHUNK_STEPS, 7]);
    // The state counts the tokens seen: each chunk starts where the previous one ended.
    expect(calls.map((c) => c.h)).toEqual([0, FEED_CHUNK_STEPS, 2 * FEED_CHUNK_STEPS]);
    // The next-token logits are those after the prefix's last token.
    const last = codec.idOf(prefix.at(-1) as string);
    expect(Array.from(generator.nextLogits())).toEqual(Array.from(model.table.subarray(last * 4, last * 4 + 4)));
    generator.dispose();
  });
});
