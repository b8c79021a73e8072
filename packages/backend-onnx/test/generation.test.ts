import { referenceBackend } from "@rnnlm/backend-reference";
import {
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  SeededRandom,
  TextGenerator,
  type TokenCodec,
  type Weights,
} from "@rnnlm/core";
import { describe, expect, it } from "vitest";
import { isJsonObject, type JsonObject } from "../src/format/json-value.js";
import { exportOnnx, loadOnnxModel, onnxBackend } from "../src/index.js";

/** A d2l-style character codec (index 0 `<unk>`), rebuilt from the description stored in the file. */
function charCodec(description: JsonObject): TokenCodec {
  const tokens = description.tokens;
  if (!Array.isArray(tokens) || !tokens.every((t) => typeof t === "string")) throw new Error("bad codec");
  const index = new Map(tokens.map((t, i) => [t, i]));
  return {
    size: tokens.length,
    unkId: 0,
    separator: "",
    tokenize: (text) => [...text.toLowerCase()],
    idOf: (token) => index.get(token) ?? 0,
    tokenOf: (id) => {
      if (id < 0 || id >= tokens.length) throw new RangeError(`id ${id}`);
      return tokens[id];
    },
  };
}

const description = { kind: "char", tokens: ["<unk>", " ", ..."etaionshrdlcumwfgypbvkxjqz"] };

const TEXT =
  "the time traveller for so it will be convenient to speak of him was expounding a recondite " +
  "matter to us his grey eyes shone and twinkled and his usually pale face was flushed and animated";

/** Trains `spec` briefly on TEXT with the float64 reference backend (random windows, SGD, clip 1). */
async function trainedWeights(spec: ModelSpec, steps: number): Promise<Weights> {
  const runtime = await referenceBackend.init("cpu");
  if (runtime.createTrainableModel === undefined) throw new Error("reference backend cannot train");
  const model = await runtime.createTrainableModel(spec, {
    seed: 1,
    training: parseTrainingOptions({ optimizer: { type: "sgd", lr: 1 }, clip: 1, seed: 1 }),
  });
  const codec = charCodec(description);
  const ids = Int32Array.from([...TEXT], (ch) => codec.idOf(ch));
  const rng = new SeededRandom(3);
  const T = 12;
  const B = 8;
  for (let step = 0; step < steps; step++) {
    const x = new Int32Array(T * B);
    const y = new Int32Array(T * B);
    for (let b = 0; b < B; b++) {
      const start = rng.int(0, ids.length - T - 1);
      for (let t = 0; t < T; t++) {
        x[t * B + b] = ids[start + t];
        y[t * B + b] = ids[start + t + 1];
      }
    }
    await model.trainStep({ x, y, steps: T, batch: B }, model.beginState(B));
  }
  const weights = await model.getWeights();
  model.dispose();
  return weights;
}

describe("core's TextGenerator on an exported model", () => {
  for (const spec of [
    parseModelSpec({ cell: "gru", vocabSize: 28, hiddenSize: 32 }),
    parseModelSpec({ cell: "lstm", vocabSize: 28, hiddenSize: 32, embeddingSize: 16 }),
  ]) {
    it(`gives the float64 reference's greedy continuation on onnx:cpu and onnx:wasm (${spec.cell})`, async () => {
      const weights = await trainedWeights(spec, 120);
      const bytes = exportOnnx(spec, weights, { codec: description });
      const reference = await (await referenceBackend.init("cpu")).createModel(spec, { weights });
      const expected = await new TextGenerator(reference, charCodec(description)).generate("time traveller", 50);
      expect(expected).toHaveLength("time traveller".length + 50);
      // A continuation worth comparing: the model learned more than one repeated character.
      expect(new Set(expected.slice("time traveller".length)).size).toBeGreaterThanOrEqual(3);
      for (const device of ["cpu", "wasm"] as const) {
        const loaded = await loadOnnxModel(bytes, await onnxBackend.init(device, { threads: 1 }));
        if (!isJsonObject(loaded.codec)) throw new Error("codec missing from the file");
        const text = await new TextGenerator(loaded.model, charCodec(loaded.codec)).generate("time traveller", 50);
        expect(text, `onnx:${device}`).toBe(expected);
        loaded.model.dispose();
      }
      reference.dispose();
    });
  }
});
