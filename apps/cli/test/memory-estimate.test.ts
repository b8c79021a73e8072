import { parseModelSpec } from "@rnnlm/core";
import { describe, expect, it } from "vitest";
import { checkTrainingFits, memoryBudget, parameterCount, trainingBytes } from "../src/memory-estimate.js";

describe("parameterCount", () => {
  it("matches PyTorch's count for word_language_model's RNNModel", () => {
    // Expected values: sum(p.numel()) of torch.nn.LSTM/GRU/RNN (torch 1.13) plus the
    // embedding (V×E) and the decoder (H×V unless tied, + V bias).
    const lstm = parseModelSpec({ cell: "lstm", vocabSize: 28, hiddenSize: 256 });
    const gru = parseModelSpec({
      cell: "gru",
      vocabSize: 10000,
      hiddenSize: 200,
      embeddingSize: 200,
      numLayers: 2,
      tied: true,
    });
    const rnn = parseModelSpec({ cell: "rnn_tanh", vocabSize: 50, hiddenSize: 32, embeddingSize: 16, numLayers: 3 });
    expect(parameterCount(lstm).total).toBe(300060);
    expect(parameterCount(gru).total).toBe(2492400);
    expect(parameterCount(rnn).total).toBe(8274);
    expect(parameterCount(lstm).largest).toBe(4 * 256 * 256);
  });
});

describe("checkTrainingFits", () => {
  const spec = parseModelSpec({ cell: "lstm", vocabSize: 28, hiddenSize: 256 });
  const shape = { batchSize: 32, bptt: 35, bytesPerValue: 4 };

  it("accepts d2l's model in a small budget and refuses it in a smaller one, saying how much it needs", () => {
    const needed = trainingBytes(spec, shape);
    expect(() => checkTrainingFits(spec, shape, needed)).not.toThrow();
    expect(() => checkTrainingFits(spec, shape, needed - 1)).toThrow(/training needs about .* of memory/);
  });

  it("refuses a weight matrix larger than a JavaScript array, whatever the budget", () => {
    const huge = parseModelSpec({ cell: "lstm", vocabSize: 28, hiddenSize: 100_000 });
    expect(() => checkTrainingFits(huge, shape, Number.POSITIVE_INFINITY)).toThrow(/one weight matrix would hold/);
  });

  it("reads RNNLM_MAX_MEMORY in bytes, MB or GB, and refuses anything else", () => {
    expect(memoryBudget({ RNNLM_MAX_MEMORY: "1024" })).toBe(1024);
    expect(memoryBudget({ RNNLM_MAX_MEMORY: "2GB" })).toBe(2 * 1024 ** 3);
    expect(memoryBudget({ RNNLM_MAX_MEMORY: "512m" })).toBe(512 * 1024 ** 2);
    expect(() => memoryBudget({ RNNLM_MAX_MEMORY: "lots" })).toThrow(/RNNLM_MAX_MEMORY=lots is not a size/);
    expect(memoryBudget({})).toBeGreaterThan(0);
  });
});
