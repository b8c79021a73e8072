import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCheckpoint, saveCheckpoint } from "../src/node/index.js";
import { canonicalWeightShapes } from "../src/weights.js";
import { readFolder, sameBits, sampleCheckpoint, tempFolder } from "./checkpoint-fixture.js";

let folder: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  folder = await tempFolder();
});
afterEach(async () => {
  await folder.remove();
});

const FULL = ["config.json", "model.safetensors", "trainer.json", "optimizer.safetensors"];

const specs = [
  { cell: "rnn_tanh", vocabSize: 7, hiddenSize: 5 },
  { cell: "rnn_relu", vocabSize: 6, hiddenSize: 4, numLayers: 2, embeddingSize: 3, init: "d2l" },
  { cell: "gru", vocabSize: 9, hiddenSize: 4, numLayers: 2, embeddingSize: 4, tied: true, init: "word-lm" },
  {
    cell: "lstm",
    vocabSize: 8,
    hiddenSize: 6,
    embeddingSize: 6,
    tied: true,
    dropout: { input: 0.1, between: 0.2, output: 0.3 },
  },
  { cell: "lstm", vocabSize: 5, hiddenSize: 3, numLayers: 3 },
] as const;

describe("checkpoint round trip", () => {
  it.each(specs)("save → load → save gives identical bytes and bitwise-equal data (#%# $cell)", async (spec) => {
    const data = sampleCheckpoint(spec);
    const a = join(folder.path, "a");
    const b = join(folder.path, "b");
    await saveCheckpoint(a, data);
    expect((await readdir(a)).sort()).toEqual([...FULL].sort());
    const loaded = await loadCheckpoint(a);
    await saveCheckpoint(b, loaded);
    expect(await readFolder(b, FULL)).toEqual(await readFolder(a, FULL));

    // Weights: canonical names in state_dict order, both keys when tied, same bits.
    expect(Object.keys(loaded.weights)).toEqual(canonicalWeightShapes(loaded.spec).map(([n]) => n));
    for (const [name, w] of Object.entries(data.weights)) {
      expect(loaded.weights[name].shape).toEqual(w.shape);
      expect(sameBits(loaded.weights[name].data, w.data), name).toBe(true);
    }
    expect(loaded.spec).toEqual(data.spec);
    expect(loaded.codec).toEqual(data.codec);
    expect(loaded.config).toEqual(data.config);

    // Trainer state: every field, optimizer buffers with their own dtype, bit for bit.
    const want = data.trainer!;
    const got = loaded.trainer!;
    expect({ ...got, optimizerState: null }).toEqual({ ...want, optimizerState: null });
    expect(Object.is(got.randomState.spareNormal, want.randomState.spareNormal)).toBe(true);
    expect(got.history[1].trainPerplexity).toBe(Number.POSITIVE_INFINITY);
    expect(Object.keys(got.optimizerState)).toEqual(Object.keys(want.optimizerState));
    for (const [name, t] of Object.entries(want.optimizerState)) {
      expect(got.optimizerState[name].shape).toEqual(t.shape);
      expect(sameBits(got.optimizerState[name].data, t.data), name).toBe(true);
    }
  });

  it("keeps special float32 values bit for bit (-0, subnormals, extremes)", async () => {
    const data = sampleCheckpoint({ cell: "rnn_tanh", vocabSize: 3, hiddenSize: 2 }, { trainer: false });
    const bias = new Float32Array([-0, 1e-45, 3.4028234663852886e38, -Number.MIN_VALUE, 1]);
    const weights = {
      ...data.weights,
      "rnn.bias_ih_l0": { shape: [2], data: bias.slice(0, 2) },
      "decoder.bias": { shape: [3], data: bias.subarray(2, 5) },
    };
    await saveCheckpoint(folder.path, { ...data, weights });
    const loaded = await loadCheckpoint(folder.path);
    expect(sameBits(loaded.weights["rnn.bias_ih_l0"].data, bias.slice(0, 2))).toBe(true);
    expect(sameBits(loaded.weights["decoder.bias"].data, bias.subarray(2, 5))).toBe(true);
  });

  it("refuses NaN or infinite weights on load (a diverged run), naming the tensor", async () => {
    const data = sampleCheckpoint({ cell: "rnn_tanh", vocabSize: 3, hiddenSize: 2 }, { trainer: false });
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const weights = { ...data.weights, "decoder.bias": { shape: [3], data: new Float32Array([0, bad, 1]) } };
      await saveCheckpoint(folder.path, { ...data, weights });
      await expect(loadCheckpoint(folder.path)).rejects.toThrow(
        new RegExp(`tensor "decoder.bias" holds ${bad} at index 1 .*not all finite`),
      );
    }
  });

  it("refuses a config.json edited after saving (its integrity checksum), and loads one without a checksum", async () => {
    const data = sampleCheckpoint({ cell: "rnn_tanh", vocabSize: 3, hiddenSize: 2 }, { trainer: false });
    await saveCheckpoint(folder.path, { ...data, codec: { tokens: ["<unk>", "a", "b"] } });
    const path = join(folder.path, "config.json");
    const text = await readFile(path, "utf8");
    // Swapped vocabulary tokens: still valid JSON of the right shape, silently wrong without a checksum.
    await writeFile(path, text.replace('"a",', '"B",').replace('"b"', '"a"').replace('"B",', '"b",'));
    await expect(loadCheckpoint(folder.path)).rejects.toThrow(/config.json was modified after saving/);
    // A checkpoint written before the checksum existed: no "integrity" key, still loads.
    const { integrity: _, ...old } = JSON.parse(text);
    await writeFile(path, `${JSON.stringify(old, null, 2)}\n`);
    expect((await loadCheckpoint(folder.path)).codec).toEqual({ tokens: ["<unk>", "a", "b"] });
  });

  it("keeps float64 weights (the reference backend's) bit for bit, so resume is exact", async () => {
    const data = sampleCheckpoint({ cell: "gru", vocabSize: 4, hiddenSize: 3, embeddingSize: 2 }, { trainer: false });
    const weights = Object.fromEntries(
      Object.entries(data.weights).map(([name, w], k) => [
        name,
        { shape: w.shape, data: Float64Array.from(w.data, (_, i) => Math.sin(i + k) / 3 + 1e-9) },
      ]),
    );
    await saveCheckpoint(folder.path, { ...data, weights });
    const loaded = await loadCheckpoint(folder.path);
    for (const [name, w] of Object.entries(weights)) {
      const got = loaded.weights[name].data;
      expect(got).toBeInstanceOf(Float64Array);
      expect(sameBits(got, w.data)).toBe(true);
    }
  });

  it("writes decoder.weight for a tied model given only encoder.weight", async () => {
    const data = sampleCheckpoint(
      { cell: "lstm", vocabSize: 5, hiddenSize: 4, embeddingSize: 4, tied: true },
      { trainer: false },
    );
    const { "decoder.weight": _decoder, ...encoderOnly } = data.weights;
    await saveCheckpoint(folder.path, { ...data, weights: encoderOnly });
    const loaded = await loadCheckpoint(folder.path);
    expect(sameBits(loaded.weights["decoder.weight"].data, data.weights["encoder.weight"].data)).toBe(true);
  });

  it("an inference-only save replaces a training checkpoint and leaves no stale trainer files", async () => {
    const withTrainer = sampleCheckpoint({ cell: "rnn_tanh", vocabSize: 4, hiddenSize: 3 });
    await saveCheckpoint(folder.path, withTrainer);
    const inference = sampleCheckpoint({ cell: "gru", vocabSize: 4, hiddenSize: 2 }, { seed: 9, trainer: false });
    await saveCheckpoint(folder.path, inference);
    expect((await readdir(folder.path)).sort()).toEqual(["config.json", "model.safetensors"]);
    const loaded = await loadCheckpoint(folder.path);
    expect(loaded.trainer).toBeUndefined();
    expect(loaded.spec.cell).toBe("gru");
    const config = JSON.parse(await readFile(join(folder.path, "config.json"), "utf8"));
    expect(Object.keys(config)).toEqual(["format", "version", "spec", "codec", "config", "files", "integrity"]);
    expect(config.format).toBe("rnnlm-checkpoint");
    expect(Object.keys(config.files)).toEqual(["model.safetensors"]);
  });

  it("leaves codec and config out when not given", async () => {
    const {
      codec: _c,
      config: _k,
      ...bare
    } = sampleCheckpoint({ cell: "rnn_tanh", vocabSize: 3, hiddenSize: 2 }, { trainer: false });
    await saveCheckpoint(folder.path, bare);
    const loaded = await loadCheckpoint(folder.path);
    expect("codec" in loaded).toBe(false);
    expect("config" in loaded).toBe(false);
  });
});
