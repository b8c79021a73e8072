import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCheckpoint, saveCheckpoint } from "@rnnlm/core/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyTrain } from "./safety-helpers.js";
import { spawnCli } from "./spawn-cli.js";

// The config key `sampling` became `batchOrder`: runs saved before the rename must still
// resume, evaluate and export, silently (their owners did not write the old name now).

let dir: string;
const cli = (args: readonly string[]) => spawnCli(args, { cwd: dir });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rnnlm-renamed-"));
  const run = await cli(tinyTrain("OLD", { epochs: 1 }, ["--batch-order", "random"]));
  expect(run.code, run.stderr).toBe(0);
  // Re-save last/ as a checkpoint written before the rename: `sampling`, no `batchOrder`.
  const last = join(dir, "OLD", "last");
  const checkpoint = await loadCheckpoint(last);
  const { batchOrder, ...rest } = checkpoint.config ?? {};
  expect(batchOrder).toBe("random");
  await saveCheckpoint(last, { ...checkpoint, config: { ...rest, sampling: "random" } });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("a checkpoint saved with the former key sampling", () => {
  it("resumes with its batch order, without a warning, and saves the new key", async () => {
    const run = await cli(["train", "--resume", "OLD", "--epochs", "2"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/--batch-order\s+random/);
    expect(run.stdout).toMatch(/random batches of/);
    const saved = await loadCheckpoint(join(dir, "OLD", "last"));
    expect(saved.config?.batchOrder).toBe("random");
    expect(saved.config).not.toHaveProperty("sampling");
  });

  it("evaluates and exports", async () => {
    const evaluated = await cli(["eval", "--checkpoint", "OLD", "--which", "last", "--backend", "reference"]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const exported = await cli(["export", "--checkpoint", "OLD", "--onnx", "old.onnx"]);
    expect(exported.code, exported.stderr).toBe(0);
  });
});
