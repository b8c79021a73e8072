import { type ModelSpecInput, parseModelSpec, SeededRandom } from "@rnnlm/core";
import { initWeights } from "@rnnlm/core/backend";
import { describe, expect, it } from "vitest";
import { parameterCount } from "../src/model-summary.js";

/** Independent count: the sizes of the tensors core initialises (a tied decoder is the embedding). */
function countInitialisedWeights(input: ModelSpecInput): number {
  const spec = parseModelSpec(input);
  const weights = initWeights(spec, new SeededRandom(0));
  return Object.entries(weights)
    .filter(([name]) => !(spec.tied && name === "decoder.weight"))
    .reduce((sum, [, w]) => sum + w.data.length, 0);
}

describe("parameterCount", () => {
  const specs: ModelSpecInput[] = [
    { cell: "gru", vocabSize: 28, hiddenSize: 96 },
    { cell: "lstm", vocabSize: 28, hiddenSize: 32, numLayers: 2 },
    { cell: "rnn_tanh", vocabSize: 50, hiddenSize: 16, embeddingSize: 8 },
    { cell: "rnn_relu", vocabSize: 40, hiddenSize: 12, embeddingSize: 12, tied: true, numLayers: 3 },
  ];
  it.each(specs)("matches the weights core creates for %o", (input) => {
    expect(parameterCount(parseModelSpec(input))).toBe(countInitialisedWeights(input));
  });

  it("is hand-computable for d2l's GRU (V 28, H 256)", () => {
    // 3 gates × 256 × (28 + 256 + 2) + decoder 28 × 256 + 28
    expect(parameterCount(parseModelSpec({ cell: "gru", vocabSize: 28, hiddenSize: 256 }))).toBe(
      3 * 256 * (28 + 256 + 2) + 28 * 256 + 28,
    );
  });
});
