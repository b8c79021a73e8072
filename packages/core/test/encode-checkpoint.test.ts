import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CheckpointError, encodeCheckpoint } from "../src/index.js";
import { loadCheckpoint, saveCheckpoint } from "../src/node/index.js";
import { readFolder, sameBits, sampleCheckpoint, tempFolder } from "./checkpoint-fixture.js";

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

describe("encodeCheckpoint (the main entry's browser-safe encoder)", () => {
  afterEach(() => vi.unstubAllGlobals());

  it.each([true, false])("gives byte for byte the files saveCheckpoint writes (trainer state: %s)", async (trainer) => {
    const data = sampleCheckpoint({ cell: "lstm", vocabSize: 4, hiddenSize: 3, numLayers: 2 }, { trainer });
    const folder = await tempFolder();
    try {
      await saveCheckpoint(folder.path, data);
      const files = await encodeCheckpoint("run/last", data);
      const names = files.map(([name]) => name);
      expect(names.at(-1)).toBe("config.json");
      expect(names.sort()).toEqual(
        trainer
          ? ["config.json", "model.safetensors", "optimizer.safetensors", "trainer.json"]
          : ["config.json", "model.safetensors"],
      );
      expect(Object.fromEntries(files)).toEqual(await readFolder(folder.path, names));
    } finally {
      await folder.remove();
    }
  });

  it("records sizes and SHA-256 digests that node:crypto agrees with, and loads back exactly", async () => {
    const data = sampleCheckpoint({ cell: "gru", vocabSize: 4, hiddenSize: 5, tied: false, embeddingSize: 5 });
    const files = new Map(await encodeCheckpoint("web", data));
    const manifest = JSON.parse(new TextDecoder().decode(files.get("config.json")));
    for (const [name, bytes] of files) {
      if (name === "config.json") continue;
      expect(manifest.files[name]).toEqual({ bytes: bytes.length, sha256: sha256(bytes) });
    }
    const { integrity, ...body } = manifest;
    expect(integrity.sha256).toBe(sha256(JSON.stringify(body, null, 2)));

    // Written by hand (as the web app's archive is unpacked), the folder loads like a saved one.
    const folder = await tempFolder();
    try {
      const dir = join(folder.path, "last");
      await mkdir(dir);
      for (const [name, bytes] of files) await writeFile(join(dir, name), bytes);
      const loaded = await loadCheckpoint(dir);
      expect(loaded.spec).toEqual(data.spec);
      expect(loaded.codec).toEqual(data.codec);
      for (const [name, tensor] of Object.entries(data.weights)) {
        expect(sameBits(loaded.weights[name].data, tensor.data), name).toBe(true);
      }
      expect(loaded.trainer?.epoch).toBe(data.trainer?.epoch);
    } finally {
      await folder.remove();
    }
  });

  it("says what to do where there is no Web Crypto (a page on plain http)", async () => {
    vi.stubGlobal("crypto", undefined);
    const data = sampleCheckpoint({ cell: "rnn_tanh", vocabSize: 3, hiddenSize: 2 }, { trainer: false });
    const failure = encodeCheckpoint("last", data);
    await expect(failure).rejects.toBeInstanceOf(CheckpointError);
    await expect(failure).rejects.toThrow(/crypto\.subtle.*https or from localhost/);
  });

  it("rejects bad data before hashing anything, naming the folder", async () => {
    const data = sampleCheckpoint({ cell: "lstm", vocabSize: 4, hiddenSize: 3 }, { trainer: false });
    await expect(
      encodeCheckpoint("last", { ...data, config: [] as unknown as Record<string, unknown> }),
    ).rejects.toThrow(/checkpoint "last": cannot save: config must be a plain object/);
  });
});
