import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { referenceBackend } from "@rnnlm/backend-reference";
import { parseModelSpec } from "@rnnlm/core";
import { saveCheckpoint } from "@rnnlm/core/node";
import { CharTokenizer, TextCodec, Vocab } from "@rnnlm/data";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorLines, spawnCli } from "./spawn-cli.js";

// `rnnlm export` of checkpoints that `rnnlm train` did not write: saveCheckpoint's minimum
// (spec + weights) plus a codec exports; without the codec it says what is missing.
let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rnnlm-export-any-"));
  const tokenizer = new CharTokenizer({ clean: "none" });
  const codec = new TextCodec(tokenizer, Vocab.build(tokenizer.tokenize("hello world")));
  const spec = parseModelSpec({ cell: "gru", vocabSize: codec.size, hiddenSize: 8 });
  const runtime = await referenceBackend.init("cpu");
  const model = await runtime.createModel(spec, { seed: 1 });
  const weights = await model.getWeights();
  await saveCheckpoint(join(dir, "with-codec"), { spec, weights, codec: codec.toJSON() });
  await saveCheckpoint(join(dir, "no-codec"), { spec, weights });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("rnnlm export of a checkpoint written by saveCheckpoint", () => {
  it("exports one with a codec (no run config, no trainer state) and generates from the file", async () => {
    const run = await spawnCli(["export", "--checkpoint", "with-codec", "--onnx", "m.onnx"], { cwd: dir });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^wrote m\.onnx \(\d+ bytes, gru, vocabulary \d+\) from with-codec\n$/);
    const generated = await spawnCli(["generate", "--model-file", "m.onnx", "--prefix", "hel", "--length", "4"], {
      cwd: dir,
    });
    expect(generated.code).toBe(0);
    expect(generated.stdout.startsWith("hel")).toBe(true);
  });

  it("names the missing codec and how to add it, exit 2, nothing written", async () => {
    const run = await spawnCli(["export", "--checkpoint", "no-codec", "--onnx", "n.onnx"], { cwd: dir });
    expect(run.code).toBe(2);
    const lines = errorLines(run.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("the checkpoint no-codec has no vocabulary (codec)");
    expect(lines[0]).toContain("codec: codec.toJSON()");
    expect(existsSync(join(dir, "n.onnx"))).toBe(false);
  });
});
