import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricsLine } from "../src/metrics-log.js";
import { errorLines, spawnCli } from "./spawn-cli.js";

// PyTorch word_language_model habits on the built CLI: underscore flags, --onnx-export after
// training, generate --words/--outf, and the metrics.jsonl log beside perplexity.svg.
let dir = "";
const cli = (args: readonly string[]) => spawnCli(args, { cwd: dir });
const TEXT = "KING: Hark!\nQueen, 2 knights ride.\n\nKING: Ride on.\n".repeat(30);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rnnlm-pytorch-"));
  await writeFile(join(dir, "play.txt"), TEXT);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function metricsOf(text: string): MetricsLine[] {
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as MetricsLine);
}

describe("training the PyTorch way", () => {
  let lines: MetricsLine[] = [];
  /** Steps of the first two epochs. */
  let batches = 0;

  it("takes --batch_size/--log_interval/--valid_fraction, writes metrics.jsonl and exports with --onnx-export", async () => {
    const run = await cli([
      ...["train", "--config", "tiny", "--data", "play.txt", "--valid_fraction", "0.1", "--nhid", "16"],
      ...["--batch_size", "4", "--log_interval", "5", "--epochs", "2", "--save", "run", "--backend", "reference"],
      ...["--onnx-export", "model.onnx"],
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--batch-size\s+4/);
    expect(run.stdout).toContain("metrics: run/metrics.jsonl");
    expect(run.stdout).toMatch(/wrote model\.onnx \(\d+ bytes, lstm, vocabulary \d+\) from run\/best/);
    expect(existsSync(join(dir, "model.onnx"))).toBe(true);

    lines = metricsOf(await readFile(join(dir, "run", "metrics.jsonl"), "utf8"));
    const logged = [
      ...run.stdout.matchAll(
        /\| epoch +(\d+) \| +(\d+)\/ *(\d+) batches \| lr ([\d.]+) .*\| loss ([\d.]+) \| ppl ([\d.]+)/g,
      ),
    ];
    // Batches per epoch as printed (they may differ between epochs: random offsets).
    const perEpoch = new Map(logged.map((m) => [Number(m[1]), Number(m[3])]));
    const stepsBefore = (epoch: number) => (epoch === 1 ? 0 : (perEpoch.get(1) ?? Number.NaN));
    batches = (perEpoch.get(1) ?? 0) + (perEpoch.get(2) ?? 0);
    expect(perEpoch.get(1)).toBeGreaterThan(5);
    const logLines = lines.filter((l) => l.type === "log");
    // One line per printed log line, with the same numbers.
    expect(logLines).toHaveLength(logged.length);
    logLines.forEach((line, i) => {
      const [, epoch, batch, , lr, loss, ppl] = logged[i].map(Number);
      expect(line).toMatchObject({ epoch, step: stepsBefore(epoch) + batch, valid: null });
      expect(line.lr).toBeCloseTo(lr, 3);
      expect(line.loss).toBeCloseTo(loss, 2);
      expect(line.ppl).toBeCloseTo(ppl, 2);
      expect(line.tokPerSec).toBeGreaterThan(0);
    });
    const epochs = lines.filter((l) => l.type === "epoch");
    expect(epochs.map((l) => [l.epoch, l.step])).toEqual([
      [1, perEpoch.get(1)],
      [2, batches],
    ]);
    const trainer = JSON.parse(await readFile(join(dir, "run", "last", "trainer.json"), "utf8")) as {
      history: Array<{ trainPerplexity: number; validPerplexity: number; trainLoss: number; learningRate: number }>;
    };
    epochs.forEach((line, i) => {
      const record = trainer.history[i];
      expect(line.ppl).toBeCloseTo(record.trainPerplexity, 6);
      expect(line.loss).toBeCloseTo(record.trainLoss, 6);
      expect(line.valid).toBeCloseTo(record.validPerplexity, 6);
      expect(line.lr).toBe(record.learningRate);
      expect(Math.exp(line.loss)).toBeCloseTo(line.ppl, 3);
    });
    // Lines come in training order: steps never go back.
    for (let i = 1; i < lines.length; i++) expect(lines[i].step).toBeGreaterThanOrEqual(lines[i - 1].step);
  });

  it("continues metrics.jsonl when the run is resumed", async () => {
    const run = await cli(["train", "--resume", "run", "--epochs", "3"]);
    expect(run.code).toBe(0);
    const after = metricsOf(await readFile(join(dir, "run", "metrics.jsonl"), "utf8"));
    expect(after.slice(0, lines.length)).toEqual(lines);
    const epochs = after.filter((l) => l.type === "epoch");
    expect(epochs.map((l) => l.epoch)).toEqual([1, 2, 3]);
    expect(epochs[1].step).toBe(batches);
    // The third epoch counts on from the second's steps.
    expect(epochs[2].step - batches).toBeGreaterThan(5);
    expect(after.filter((l) => l.type === "log" && l.epoch === 3)[0]?.step).toBe(batches + 5);
  });

  it("refuses an --onnx-export target that exists before training anything", async () => {
    const run = await cli([
      ...["train", "--config", "tiny", "--data", "play.txt", "--epochs", "1", "--save", "other"],
      ...["--backend", "reference", "--onnx-export", "model.onnx"],
    ]);
    expect(run.code).toBe(2);
    expect(errorLines(run.stderr)[0]).toContain("--onnx-export model.onnx");
    expect(existsSync(join(dir, "other"))).toBe(false);
  });
});

describe("generate --words N --outf FILE", () => {
  it("writes the same text --length prints to stdout into the file", async () => {
    const args = ["generate", "--model-file", "model.onnx", "--prefix", "KING", "--backend", "onnx:cpu"];
    const printed = await cli([...args, "--length", "12"]);
    expect(printed.code).toBe(0);
    const written = await cli([...args, "--words", "12", "--outf", "out.txt"]);
    expect(written.stderr).toBe("");
    expect(written.code).toBe(0);
    expect(written.stdout).toBe("wrote out.txt (12 tokens after the prefix)\n");
    expect(await readFile(join(dir, "out.txt"), "utf8")).toBe(printed.stdout);
    const again = await cli([...args, "--words", "12", "--outf", "out.txt"]);
    expect(again.code).toBe(2);
    expect(errorLines(again.stderr)[0]).toMatch(/--outf out\.txt .*exists/);
    expect((await cli([...args, "--words", "3", "--outf", "out.txt", "--force"])).code).toBe(0);
    expect((await readFile(join(dir, "out.txt"), "utf8")).startsWith("KING")).toBe(true);
  });
});
