import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCheckpoint, saveCheckpoint } from "@rnnlm/core/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBadInput, snapshot, tinyTrain } from "./safety-helpers.js";
import { spawnCli } from "./spawn-cli.js";

// Issue 19, silent garbage: non-finite weights, broken vocabularies, an edited config.json
// and an edited corpus are refused with one line instead of being used.

let dir: string;
const cli = (args: readonly string[]) => spawnCli(args, { cwd: dir });
const tiny = (data: string, save: string, epochs: number) => tinyTrain(save, { data, epochs });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rnnlm-integrity-"));
  await writeFile(join(dir, "corpus.txt"), "the time traveller smiled at us and the fire burned brightly\n".repeat(10));
  const run = await cli(tiny("corpus.txt", "R", 1));
  expect(run.code, run.stderr).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("checkpoints that would give garbage are refused", () => {
  it("NaN weights: eval, export and resume refuse them, and export writes nothing", async () => {
    const good = await loadCheckpoint(join(dir, "R/last"));
    const data = Float64Array.from(good.weights["decoder.bias"].data);
    data[3] = Number.NaN;
    const weights = { ...good.weights, "decoder.bias": { shape: good.weights["decoder.bias"].shape, data } };
    await saveCheckpoint(join(dir, "N/last"), { ...good, weights });
    const pattern = /tensor "decoder.bias" holds NaN at index 3/;
    expectBadInput(await cli(["eval", "--checkpoint", "N", "--backend", "reference"]), pattern);
    expectBadInput(await cli(["export", "--checkpoint", "N", "--onnx", "n.onnx"]), pattern);
    expect(existsSync(join(dir, "n.onnx"))).toBe(false);
    expectBadInput(await cli(["train", "--resume", "N", "--epochs", "2"]), pattern);
  });

  it("a vocabulary with a duplicated or a dropped token: export refuses it and writes nothing", async () => {
    const good = await loadCheckpoint(join(dir, "R/last"));
    const codec = good.codec as { vocab: { tokens: string[] } };
    const tokens = codec.vocab.tokens;
    const duplicated = { ...codec, vocab: { ...codec.vocab, tokens: [...tokens.slice(0, -1), tokens[1]] } };
    await saveCheckpoint(join(dir, "D/last"), { ...good, codec: duplicated });
    expectBadInput(
      await cli(["export", "--checkpoint", "D", "--onnx", "d.onnx"]),
      /vocabulary of .* is invalid .*appears twice/,
    );
    expect(existsSync(join(dir, "d.onnx"))).toBe(false);
    const dropped = { ...codec, vocab: { ...codec.vocab, tokens: tokens.slice(0, -1) } };
    await saveCheckpoint(join(dir, "P/last"), { ...good, codec: dropped });
    expectBadInput(
      await cli(["export", "--checkpoint", "P", "--onnx", "p.onnx"]),
      new RegExp(`has ${tokens.length - 1} tokens but the model has ${tokens.length} outputs`),
    );
    expectBadInput(await cli(["generate", "--checkpoint", "P", "--prefix", "the"]), /outputs/);
    expect(existsSync(join(dir, "p.onnx"))).toBe(false);
  });

  it("a config.json edited by hand (swapped vocabulary tokens) fails its checksum", async () => {
    await cli(tiny("corpus.txt", "S", 1));
    const path = join(dir, "S/last/config.json");
    const manifest = JSON.parse(await readFile(path, "utf8"));
    const tokens: string[] = manifest.codec.vocab.tokens;
    [tokens[1], tokens[2]] = [tokens[2], tokens[1]];
    await writeFile(path, `${JSON.stringify(manifest, null, 2)}\n`);
    expectBadInput(
      await cli(["eval", "--checkpoint", "S", "--backend", "reference"]),
      /config.json was modified after saving/,
    );
  });
});

describe("resume checks the corpus", () => {
  it("refuses an edited corpus, and continues on it with --allow-data-change (warning)", async () => {
    await writeFile(join(dir, "moving.txt"), "the time traveller smiled at us\n".repeat(20));
    expect((await cli(tiny("moving.txt", "M", 1))).code).toBe(0);
    await writeFile(join(dir, "moving.txt"), "at us the time traveller smiled\n".repeat(20));
    const before = await snapshot(join(dir, "M"));
    expectBadInput(
      await cli(["train", "--resume", "M", "--epochs", "2"]),
      /the corpus \(--data moving.txt\) differs from the one the run in M was trained on.*--allow-data-change/,
    );
    expect(await snapshot(join(dir, "M"))).toEqual(before);
    const allowed = await cli(["train", "--resume", "M", "--epochs", "2", "--allow-data-change"]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/rnnlm: warning: the corpus .* differs .*continuing on it/);
    // The unchanged corpus resumes without a word.
    const again = await cli(["train", "--resume", "M", "--epochs", "3"]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toBe("");
  });
});
