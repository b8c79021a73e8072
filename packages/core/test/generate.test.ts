import { describe, expect, it } from "vitest";
import {
  argmax,
  drawFrom,
  FEED_CHUNK_STEPS,
  GREEDY_CHUNK_STEPS,
  samplingDistribution,
  softmax,
} from "../src/backend.js";
import {
  type GreedyStepsResult,
  type RecurrentState,
  SeededRandom,
  TextGenerator,
  type TokenCodec,
} from "../src/index.js";
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

  it("without top-k/top-p renormalises exactly as the sorted-index path did (same draws for a seed)", () => {
    // The earlier implementation, kept as the oracle: sort indices by probability, sum from the top.
    const sortedIndexPath = (logits: ArrayLike<number>, temperature: number): Float64Array => {
      const p = softmax(logits, temperature);
      const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a] || a - b);
      let sum = 0;
      for (const i of order) sum += p[i];
      const out = new Float64Array(p.length);
      for (const i of order) out[i] = p[i] / sum;
      return out;
    };
    const rng = new SeededRandom(3);
    let differsFromSoftmax = 0;
    for (const [size, temperature] of [
      [10_000, 0.8],
      [1000, 1],
      [50, 0.3],
      [3, 2],
    ] as const) {
      const logits = Float32Array.from({ length: size }, () => 4 * rng.normal());
      const got = samplingDistribution(logits, { temperature });
      expect(Array.from(got)).toEqual(Array.from(sortedIndexPath(logits, temperature)));
      const plain = softmax(logits, temperature);
      differsFromSoftmax += got.filter((v, i) => v !== plain[i]).length;
    }
    // Ties and probabilities that underflow to 0.
    const edge = Float32Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? -1000 : i % 7 === 0 ? 5 : rng.normal()));
    expect(Array.from(samplingDistribution(edge, {}))).toEqual(Array.from(sortedIndexPath(edge, 1)));
    // The renormalisation is not a no-op in float64: skipping it would change some draws.
    expect(differsFromSoftmax).toBeGreaterThan(0);
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

describe("greedy generation through a model's greedySteps", () => {
  /** A bigram model with a random table (so greedy paths wander) and a greedySteps over its own forward. */
  function randomBigram(withSteps: boolean) {
    const model = new BigramModel(4);
    const rng = new SeededRandom(11);
    for (let i = 0; i < model.table.length; i++) model.table[i] = rng.normal();
    const counts: number[] = [];
    if (withSteps) {
      const m = model as BigramModel & {
        greedySteps?: (first: number, count: number, state: RecurrentState) => Promise<GreedyStepsResult>;
      };
      m.greedySteps = async (first, count, state) => {
        counts.push(count);
        const ids = new Int32Array(count);
        let s = state;
        let logits = new Float32Array(0);
        let next = first;
        for (let i = 0; i < count; i++) {
          const out = await model.forward({ ids: Int32Array.of(next), steps: 1, batch: 1 }, s);
          s = out.state;
          logits = out.logits.dataSync().slice();
          next = argmax(logits);
          ids[i] = next;
        }
        return { ids, state: s, logits };
      };
    }
    return { model, counts };
  }

  for (const length of [0, 1, 2, GREEDY_CHUNK_STEPS, GREEDY_CHUNK_STEPS + 1, 2 * GREEDY_CHUNK_STEPS + 5]) {
    it(`gives the one-token-at-a-time text, state and last logits (length ${length})`, async () => {
      const plain = randomBigram(false);
      const fast = randomBigram(true);
      const a = new TextGenerator(plain.model, codec);
      const b = new TextGenerator(fast.model, codec);
      const expected = await a.generate("ab", length);
      expect(await b.generate("ab", length)).toBe(expected);
      expect(new Set(expected.slice(2)).size).toBeGreaterThanOrEqual(Math.min(length, 2));
      // Every token after the first comes from greedySteps, in runs of at most GREEDY_CHUNK_STEPS.
      const runs = Math.ceil(Math.max(0, length - 1) / GREEDY_CHUNK_STEPS);
      expect(fast.counts).toHaveLength(runs);
      expect(fast.counts.reduce((x, y) => x + y, 0)).toBe(Math.max(0, length - 1));
      if (length > 0) {
        expect(Array.from(b.nextLogits())).toEqual(Array.from(a.nextLogits()));
        // The state counts the tokens fed: the prefix and every token but the last.
        const fed = (g: TextGenerator) => (g as unknown as { state: RecurrentState }).state.h.dataSync()[0];
        expect(fed(b)).toBe(fed(a));
        expect(fed(b)).toBe(2 + length - 1);
      }
    });
  }

  it("is not used for sampling, whose draws stay as before for a seed", async () => {
    const plain = randomBigram(false);
    const fast = randomBigram(true);
    const options = { temperature: 0.9, seed: 5 };
    const expected = await new TextGenerator(plain.model, codec).generate("ab", 40, options);
    expect(await new TextGenerator(fast.model, codec).generate("ab", 40, options)).toBe(expected);
    expect(fast.counts).toEqual([]);
  });
});
