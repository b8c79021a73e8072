import { describe, expect, it } from "vitest";
import { resolveRunConfig } from "../src/run-config.js";
import { vocabularyWarning } from "../src/vocabulary-warning.js";

describe("vocabularyWarning", () => {
  const wikitext = resolveRunConfig({ model: "lstm", nhid: 200, nlayers: 2 });

  it("stays quiet on PTB, the WikiText-2 preset and any character set", () => {
    expect(vocabularyWarning(resolveRunConfig({ nhid: 650, nlayers: 2 }), 10_000, 929_589)).toBeNull();
    expect(vocabularyWarning(wikitext, 33_278, 2_088_628)).toBeNull();
    expect(vocabularyWarning(resolveRunConfig({ nhid: 16 }), 3000, 100)).toBeNull();
  });

  it("warns when words are seen a handful of times or the output layer dwarfs the model", () => {
    const novel = vocabularyWarning(resolveRunConfig({ nhid: 256 }), 12_000, 60_000);
    expect(novel).toMatch(/12000 tokens for 60000 training tokens \(5\.0 per token type\)/);
    expect(novel).toMatch(/--max-vocab 10000 or --min-count 3/);
    expect(vocabularyWarning(resolveRunConfig({ nhid: 32 }), 40_000, 4_000_000)).toMatch(/313× the recurrent weights/);
  });

  it("is silenced by --max-vocab or --min-count", () => {
    expect(vocabularyWarning(resolveRunConfig({ nhid: 256, maxVocab: 12_000 }), 12_000, 60_000)).toBeNull();
    expect(vocabularyWarning(resolveRunConfig({ nhid: 256, minCount: 3 }), 12_000, 60_000)).toBeNull();
  });
});
