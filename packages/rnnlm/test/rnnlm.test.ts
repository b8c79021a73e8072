import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exportOnnxFile } from "@rnnlm/backend-onnx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EpochRecord, loadGenerator, type TextModel, trainTextModel } from "../src/index.js";

const TEXT = "the time traveller smiled round at us then still smiling faintly he said\n".repeat(20);

let dir = "";
let model: TextModel;
const epochs: EpochRecord[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rnnlm-api-"));
  model = await trainTextModel(TEXT, {
    preset: "tiny",
    epochs: 4,
    backend: "reference",
    onEpoch: (record) => epochs.push(record),
  });
});
afterAll(async () => {
  model?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe("trainTextModel", () => {
  it("trains on the text with the preset, reporting every epoch, and the perplexity falls", () => {
    expect(model.backend).toBe("reference:cpu");
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(model.history).toEqual(epochs);
    expect(epochs[3].trainPerplexity).toBeLessThan(epochs[0].trainPerplexity);
    expect(model.spec).toMatchObject({ cell: "lstm", hiddenSize: 32, vocabSize: new Set(TEXT).size + 1 });
  });

  it("generates greedily by default, and reproducibly with a seed", async () => {
    const greedy = await model.generate("the time", { maxTokens: 20 });
    expect(greedy.startsWith("the time")).toBe(true);
    expect(greedy.length).toBe("the time".length + 20);
    expect(await model.generate("the time", { maxTokens: 20, greedy: true })).toBe(greedy);
    const sampled = await model.generate("the time", { maxTokens: 20, seed: 3, temperature: 1.5 });
    expect(await model.generate("the time", { maxTokens: 20, seed: 3, temperature: 1.5 })).toBe(sampled);
  });

  it("names the problem in bad options", async () => {
    await expect(trainTextModel(TEXT, { preset: "huge" as "tiny" })).rejects.toThrow(
      /unknown preset "huge"; use one of tiny, small/,
    );
    await expect(trainTextModel("abc", { preset: "tiny", backend: "reference" })).rejects.toThrow(
      /the text has 3 characters, too few for numSteps 16/,
    );
    await expect(trainTextModel(TEXT, { preset: "tiny", epochs: 0 })).rejects.toThrow(
      /epochs must be a positive integer/,
    );
  });
});

describe("loadGenerator", () => {
  it("loads what model.save wrote, and a run folder's last/, generating what the trained model does", async () => {
    const expected = await model.generate("the time", { maxTokens: 20 });
    await model.save(join(dir, "checkpoint"));
    const fromCheckpoint = await loadGenerator(join(dir, "checkpoint"), { backend: "reference" });
    expect(await fromCheckpoint.generate("the time", { maxTokens: 20 })).toBe(expected);
    fromCheckpoint.dispose();
    await mkdir(join(dir, "run"));
    await model.save(join(dir, "run", "last"));
    const fromRun = await loadGenerator(join(dir, "run"), { backend: "reference" });
    expect(fromRun.backend).toBe("reference:cpu");
    expect(await fromRun.generate("the time", { maxTokens: 20 })).toBe(expected);
    fromRun.dispose();
  });

  it("loads the exported .onnx file on ONNX Runtime with its vocabulary", async () => {
    const file = join(dir, "model.onnx");
    await model.exportOnnx(file);
    const generator = await loadGenerator(file, { backend: "onnx:cpu" });
    expect(generator.backend).toBe("onnx:cpu");
    expect(await generator.generate("the time", { maxTokens: 20 })).toBe(
      await model.generate("the time", { maxTokens: 20 }),
    );
    generator.dispose();
  });

  it("streams tokens and stops with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const tokens: string[] = [];
    const consume = async () => {
      for await (const token of model.stream("the time", { maxTokens: 50, signal: controller.signal })) {
        tokens.push(token);
        if (tokens.length === 3) controller.abort();
      }
    };
    await expect(consume()).rejects.toMatchObject({ name: "AbortError" });
    expect(tokens).toHaveLength(3);
    // The generator is free again after an aborted stream.
    expect(await model.generate("the", { maxTokens: 2 })).toHaveLength(5);
    await expect(model.generate("the", { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("says what is missing: a path that does not exist, an .onnx without vocabulary", async () => {
    await expect(loadGenerator(join(dir, "nothing"))).rejects.toThrow(/nothing does not exist; pass an \.onnx file/);
    const bare = join(dir, "bare.onnx");
    await exportOnnxFile(bare, model.spec, await model.model.getWeights());
    await expect(loadGenerator(bare, { backend: "onnx:cpu" })).rejects.toThrow(/bare\.onnx carries no vocabulary/);
  });
});
