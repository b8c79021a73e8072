import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CheckpointData } from "../src/index.js";
import { checkpointWriteSteps } from "../src/node/checkpoint-commit.js";
import { loadCheckpoint, recoverCheckpoint, saveCheckpoint } from "../src/node/index.js";
import { sameBits, sampleCheckpoint, tempFolder } from "./checkpoint-fixture.js";

let folder: { path: string; remove: () => Promise<void> };
beforeEach(async () => {
  folder = await tempFolder();
});
afterEach(async () => {
  await folder.remove();
});

const A = sampleCheckpoint({ cell: "lstm", vocabSize: 6, hiddenSize: 4, embeddingSize: 4, tied: true }, { seed: 1 });
const B = sampleCheckpoint({ cell: "gru", vocabSize: 5, hiddenSize: 3 }, { seed: 2 });

/** Runs the first `k` steps of a save and abandons it (a crash); true when the save finished. */
async function interrupted(dir: string, k: number): Promise<{ committed: boolean; done: boolean }> {
  const steps = checkpointWriteSteps(dir, B);
  let committed = false;
  for (let i = 0; i < k; i++) {
    const step = await steps.next();
    if (step.done) return { committed, done: true };
    if (step.value === "committed") committed = true;
  }
  return { committed, done: false };
}

const isB = (weights: CheckpointData["weights"]): boolean =>
  Object.keys(B.weights).every((n) => weights[n] !== undefined && sameBits(weights[n].data, B.weights[n].data));

describe("recoverCheckpoint", () => {
  it("after a crash at any step of a first save, leaves an empty folder or the complete new checkpoint", async () => {
    for (let k = 0; ; k++) {
      const dir = join(folder.path, `first${k}`);
      const { committed, done } = await interrupted(dir, k);
      await recoverCheckpoint(dir);
      const left = (await readdir(dir).catch(() => [])).sort();
      if (committed) {
        expect(left, `k=${k}`).toEqual(["config.json", "model.safetensors", "optimizer.safetensors", "trainer.json"]);
        expect(isB((await loadCheckpoint(dir)).weights)).toBe(true);
      } else {
        expect(left, `k=${k}`).toEqual([]);
      }
      if (done) break;
    }
  });

  it("after a crash at any step of a later save, leaves the old or the new checkpoint and nothing else", async () => {
    for (let k = 0; ; k++) {
      const dir = join(folder.path, `later${k}`);
      await saveCheckpoint(dir, A);
      const { committed, done } = await interrupted(dir, k);
      const leftovers = (await readdir(dir)).some((name) => name.startsWith("."));
      const result = await recoverCheckpoint(dir);
      expect(result === null).toBe(!leftovers);
      expect((await readdir(dir)).every((name) => !name.startsWith("."))).toBe(true);
      expect(isB((await loadCheckpoint(dir)).weights), `k=${k}`).toBe(committed);
      if (done) break;
    }
  });

  it("does nothing (and needs no write access) on a clean folder", async () => {
    const dir = join(folder.path, "clean");
    await saveCheckpoint(dir, A);
    expect(await recoverCheckpoint(dir)).toBeNull();
    expect(await recoverCheckpoint(join(folder.path, "missing"))).toBeNull();
  });
});
