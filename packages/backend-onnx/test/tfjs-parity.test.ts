import { tfjsBackend } from "@rnnlm/backend-tfjs";
import { parseModelSpec, parseTrainingOptions, TextGenerator, trainLoop } from "@rnnlm/core";
import { loadTimeMachine, SequentialBatches, TextCodec } from "@rnnlm/data";
import { describe, expect, it } from "vitest";
import { isJsonObject } from "../src/format/json-value.js";
import { exportModel, loadOnnxModel, onnxBackend } from "../src/index.js";

// Issue 5's promise: a model trained on another backend (tfjs) runs on ONNX Runtime computing
// the same function, so d2l's greedy `predict` gives the same 50 characters everywhere.
describe("a tfjs-trained model, exported", () => {
  it('continues "time traveller" identically on tfjs:wasm, onnx:cpu and onnx:wasm', async () => {
    const corpus = await loadTimeMachine({ maxTokens: 10_000 });
    const spec = parseModelSpec({ cell: "lstm", vocabSize: corpus.codec.size, hiddenSize: 64 });
    const tfjs = await tfjsBackend.init("wasm");
    const model = await tfjs.createTrainableModel!(spec, {
      seed: 4,
      training: parseTrainingOptions({ optimizer: { type: "adam", lr: 0.01 }, clip: 1 }),
    });
    const train = new SequentialBatches(corpus.train, { batchSize: 16, numSteps: 35, seed: 1 });
    const { history } = await trainLoop({ model, train, epochs: 6 });
    // Trained well past an untrained model (perplexity ≈ 28), so argmax margins are real.
    expect(history.at(-1)!.trainPerplexity).toBeLessThan(12);

    const expected = await new TextGenerator(model, corpus.codec).generate("time traveller", 50);
    expect(expected).toHaveLength("time traveller".length + 50);
    expect(new Set(expected.slice(14)).size).toBeGreaterThanOrEqual(4);

    const bytes = await exportModel(model, { codec: corpus.codec.toJSON() });
    for (const device of ["cpu", "wasm"] as const) {
      const loaded = await loadOnnxModel(bytes, await onnxBackend.init(device));
      if (!isJsonObject(loaded.codec)) throw new Error("the codec is missing from the exported file");
      const text = await new TextGenerator(loaded.model, TextCodec.fromJSON(loaded.codec)).generate(
        "time traveller",
        50,
      );
      expect(text, `onnx:${device}`).toBe(expected);
      loaded.model.dispose();
    }
    model.dispose();
  });
});
