import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CheckpointError } from "../src/errors.js";
import { loadCheckpoint, saveCheckpoint } from "../src/node/index.js";
import { encodeSafetensors } from "../src/safetensors.js";
import { replaceWithValidDigest, sampleCheckpoint, sealedManifest, tempFolder } from "./checkpoint-fixture.js";

let folder: { path: string; remove: () => Promise<void> };
let dir: string;
const data = sampleCheckpoint({ cell: "lstm", vocabSize: 5, hiddenSize: 3, embeddingSize: 3, tied: true });

beforeEach(async () => {
  folder = await tempFolder();
  dir = join(folder.path, "ckpt");
  await saveCheckpoint(dir, data);
});
afterEach(async () => {
  await folder.remove();
});

/** The CheckpointError that loading throws; fails the test on success or any other error. */
async function loadError(path = dir): Promise<CheckpointError> {
  const error = await loadCheckpoint(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  const e = error as CheckpointError;
  expect(e.code).toBe("ERR_CHECKPOINT");
  expect(e.message).toContain(". Fix: ");
  if (process.env.SHOW_ERRORS) console.log(e.message);
  return e;
}

async function editManifest(edit: (manifest: Record<string, unknown>) => void): Promise<void> {
  const manifest = JSON.parse(await readFile(join(dir, "config.json"), "utf8"));
  edit(manifest);
  await writeFile(join(dir, "config.json"), sealedManifest(manifest));
}

describe("loadCheckpoint refuses a bad folder with one clear error", () => {
  it("missing folder", async () => {
    expect((await loadError(join(folder.path, "nope"))).message).toMatch(
      /nope": the folder does not exist\. Fix: check the path/,
    );
  });

  it("a file instead of a folder", async () => {
    expect((await loadError(join(dir, "model.safetensors"))).message).toMatch(/is a file, not a checkpoint folder/);
  });

  it("no config.json", async () => {
    await rm(join(dir, "config.json"));
    expect((await loadError()).message).toMatch(/has no config\.json, so it is not an rnnlm checkpoint/);
  });

  it.each(["model.safetensors", "trainer.json", "optimizer.safetensors"])("missing %s", async (name) => {
    await rm(join(dir, name));
    expect((await loadError()).message).toContain(`${name} is missing (config.json lists it). Fix: restore ${name}`);
  });

  it("config.json that is not JSON", async () => {
    await writeFile(join(dir, "config.json"), '{"format": "rnnlm-checkpoint", ');
    expect((await loadError()).message).toMatch(/config\.json is not valid UTF-8 JSON/);
  });

  it("another library's config.json", async () => {
    await writeFile(join(dir, "config.json"), JSON.stringify({ architectures: ["GPT2LMHeadModel"] }));
    expect((await loadError()).message).toMatch(/not an rnnlm checkpoint manifest \(its "format" is missing/);
  });

  it("a newer format version", async () => {
    await editManifest((m) => {
      m.version = 7;
    });
    expect((await loadError()).message).toMatch(
      /format version 7, but this @rnnlm\/core reads up to version 1\. Fix: upgrade/,
    );
  });

  it("an invalid spec, naming the field", async () => {
    await editManifest((m) => {
      (m.spec as Record<string, unknown>).cell = "transformer";
    });
    expect((await loadError()).message).toMatch(/config\.json holds an invalid model spec: cell: /);
  });

  it("a valid spec the weights do not match", async () => {
    await editManifest((m) => {
      (m.spec as Record<string, unknown>).hiddenSize = 4;
      (m.spec as Record<string, unknown>).embeddingSize = 4;
    });
    expect((await loadError()).message).toMatch(
      /model\.safetensors does not match the model spec in config\.json \(weight "encoder\.weight" has shape \[5, 3\], expected \[5, 4\]\)/,
    );
  });

  it("a spec of another cell: the weight names differ", async () => {
    await editManifest((m) => {
      (m.spec as Record<string, unknown>).numLayers = 2;
    });
    expect((await loadError()).message).toMatch(
      /does not hold the weights of the model in config\.json \(missing rnn\.weight_ih_l1/,
    );
  });

  it("a truncated file, before reading it", async () => {
    const bytes = await readFile(join(dir, "model.safetensors"));
    await writeFile(join(dir, "model.safetensors"), bytes.subarray(0, bytes.length - 4));
    expect((await loadError()).message).toMatch(
      /model\.safetensors is \d+ bytes but config\.json records \d+: the file was truncated or replaced\. Fix: restore model\.safetensors/,
    );
  });

  it.each(["model.safetensors", "trainer.json", "optimizer.safetensors"])("a tampered %s (one bit)", async (name) => {
    const bytes = await readFile(join(dir, name));
    bytes[bytes.length >> 1] ^= 1;
    await writeFile(join(dir, name), bytes);
    expect((await loadError()).message).toMatch(
      new RegExp(
        `${name.replace(".", "\\.")} has sha256 [0-9a-f]{64} but config\\.json records [0-9a-f]{64}: the file was modified`,
      ),
    );
  });

  it("a tampered digest in config.json", async () => {
    await editManifest((m) => {
      (m.files as Record<string, { sha256: string }>)["model.safetensors"].sha256 = "0".repeat(64);
    });
    expect((await loadError()).message).toMatch(/model\.safetensors has sha256/);
  });

  it("a forged model file that is valid safetensors but int32", async () => {
    const loaded = await loadCheckpoint(dir);
    const tensors = Object.fromEntries(
      Object.entries(loaded.weights).map(([n, w]) => [n, { shape: w.shape, data: Int32Array.from(w.data) }]),
    );
    await replaceWithValidDigest(dir, "model.safetensors", encodeSafetensors(tensors));
    expect((await loadError()).message).toMatch(
      /tensor "encoder\.weight" is not float32 or float64\. Fix: store the weights as float32/,
    );
  });

  it("a tied model whose decoder.weight differs from encoder.weight", async () => {
    const loaded = await loadCheckpoint(dir);
    const decoder = loaded.weights["decoder.weight"].data.slice();
    decoder[0] += 1;
    const tensors = {
      ...loaded.weights,
      "decoder.weight": { shape: loaded.weights["decoder.weight"].shape, data: decoder },
    };
    await replaceWithValidDigest(dir, "model.safetensors", encodeSafetensors(tensors, { format: "pt" }));
    expect((await loadError()).message).toMatch(/decoder\.weight differs from encoder\.weight/);
  });

  it("malformed trainer.json, naming the field", async () => {
    const trainer = JSON.parse(await readFile(join(dir, "trainer.json"), "utf8"));
    trainer.randomState.words = [1, 2, 3];
    await replaceWithValidDigest(dir, "trainer.json", new TextEncoder().encode(JSON.stringify(trainer)));
    expect((await loadError()).message).toMatch(/trainer\.json is malformed: randomState\.words: /);
  });

  it("trainer.json listed without optimizer.safetensors", async () => {
    await editManifest((m) => {
      delete (m.files as Record<string, unknown>)["optimizer.safetensors"];
    });
    expect((await loadError()).message).toMatch(/lists only one of trainer\.json and optimizer\.safetensors/);
  });
});

describe("saveCheckpoint refuses bad data before touching the folder", () => {
  async function saveError(path: string, bad: unknown): Promise<string> {
    const error = await saveCheckpoint(path, bad as typeof data).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as Error).message).toContain(". Fix: ");
    return (error as Error).message;
  }

  it("weights that do not match the spec", async () => {
    const target = join(folder.path, "new");
    const { "rnn.bias_hh_l0": _gone, ...weights } = data.weights;
    expect(await saveError(target, { ...data, weights })).toMatch(
      /weights do not match the model spec \(missing weight "rnn\.bias_hh_l0"/,
    );
    await expect(readFile(join(target, "config.json"))).rejects.toThrow(/ENOENT/);
  });

  it("an invalid spec", async () => {
    expect(await saveError(dir, { ...data, spec: { ...data.spec, hiddenSize: -1 } })).toMatch(
      /invalid model spec: hiddenSize/,
    );
    expect((await loadCheckpoint(dir)).spec).toEqual(data.spec); // the old checkpoint is untouched
  });

  it("a codec that is not JSON", async () => {
    const codec: Record<string, unknown> = {};
    codec.self = codec;
    expect(await saveError(dir, { ...data, codec })).toMatch(/not JSON-serialisable/);
  });

  it("a path that is a file", async () => {
    expect(await saveError(join(dir, "config.json"), data)).toMatch(/exists and is not a folder/);
  });
});
