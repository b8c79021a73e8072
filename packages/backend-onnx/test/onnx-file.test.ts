import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseModelSpec } from "@rnnlm/core";
import { saveCheckpoint } from "@rnnlm/core/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  exportCheckpointFile,
  exportModelFile,
  exportOnnx,
  exportOnnxFile,
  onnxBackend,
  readOnnxModel,
  writeOnnxFile,
} from "../src/index.js";
import { caseWeights } from "./model-cases.js";

const spec = parseModelSpec({
  cell: "rnn_relu",
  vocabSize: 9,
  hiddenSize: 4,
  numLayers: 2,
  embeddingSize: 4,
  tied: true,
});

describe("Node file helpers", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "rnnlm-onnx-file-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes atomically: the final file only, no temporary left behind, replacing an old one", async () => {
    const path = join(dir, "model.onnx");
    await writeOnnxFile(path, Uint8Array.of(1, 2, 3));
    const bytes = exportOnnx(spec, caseWeights(spec, 1));
    await writeOnnxFile(path, bytes);
    expect(new Uint8Array(await readFile(path))).toEqual(bytes);
    expect((await readdir(dir)).filter((f) => f.includes("model.onnx"))).toEqual(["model.onnx"]);
    await expect(writeOnnxFile(join(dir, "no", "such", "dir.onnx"), bytes)).rejects.toThrow(/ENOENT/);
    expect(await readdir(dir)).toEqual(["model.onnx"]);
  });

  it("exports spec + weights, a live model and a checkpoint folder to files that read back", async () => {
    const weights = caseWeights(spec, 2);
    await exportOnnxFile(join(dir, "a.onnx"), spec, weights, { metadata: { source: "weights" } });
    expect(readOnnxModel(await readFile(join(dir, "a.onnx"))).weights).toEqual(weights);

    const model = await (await onnxBackend.init("cpu", { threads: 1 })).createModel(spec, { weights });
    await exportModelFile(join(dir, "b.onnx"), model);
    expect(readOnnxModel(await readFile(join(dir, "b.onnx"))).weights).toEqual(weights);
    model.dispose();

    const codec = { kind: "word", tokens: ["<unk>", "a", "b", "c", "d", "e", "f", "g", "h"] };
    await saveCheckpoint(join(dir, "ckpt"), { spec, weights, codec });
    await exportCheckpointFile(join(dir, "ckpt"), join(dir, "c.onnx"));
    const back = readOnnxModel(await readFile(join(dir, "c.onnx")));
    expect(back.weights).toEqual(weights);
    expect(back.codec).toEqual(codec);
    await expect(exportCheckpointFile(join(dir, "missing"), join(dir, "d.onnx"))).rejects.toThrow(/missing/);
  });
});
