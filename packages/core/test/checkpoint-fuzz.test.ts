import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CheckpointError } from "../src/errors.js";
import { loadCheckpoint, saveCheckpoint } from "../src/node/index.js";
import { decodeSafetensors } from "../src/safetensors.js";
import { validateWeights } from "../src/weights.js";
import { replaceWithValidDigest, sampleCheckpoint, tempFolder } from "./checkpoint-fixture.js";

/**
 * Fuzzing the checkpoint reader: whatever the bytes, reading ends in a CheckpointError (or,
 * for bytes that happen to be valid, a checkpoint that passes validation) — never another
 * exception, a crash, a huge allocation or a hang. Run counts keep the file to a few seconds.
 */

/** "error" for a CheckpointError, "ok" for a normal return; rethrows anything else (the bug). */
function outcome(run: () => unknown): "error" | "ok" {
  try {
    run();
    return "ok";
  } catch (error) {
    if (error instanceof CheckpointError) return "error";
    throw error;
  }
}

/** Loads, asserting the result is a CheckpointError with a fix, or a checkpoint that validates. */
async function loadOutcome(dir: string): Promise<"error" | "ok"> {
  try {
    const data = await loadCheckpoint(dir);
    validateWeights(data.spec, data.weights);
    return "ok";
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    expect(error.message).toMatch(/^checkpoint ".*": .+\. Fix: .+/s);
    return "error";
  }
}

/** A safetensors header with hostile numbers: huge, negative, fractional or absurd lengths and offsets. */
const hostileNumber = fc.oneof(
  fc.integer({ min: 0, max: 64 }),
  fc.integer(),
  fc.constantFrom(2 ** 31, 2 ** 32, 2 ** 53 - 1, 2 ** 53, 2 ** 64, 1e308, -1, 0.5, Number.MAX_SAFE_INTEGER),
);
const hostileEntry = fc.record({
  dtype: fc.oneof(fc.constantFrom("F32", "F64", "I32", "I64", "F16", "BOOL", ""), fc.jsonValue()),
  shape: fc.oneof(fc.array(hostileNumber, { maxLength: 6 }), fc.jsonValue()),
  data_offsets: fc.oneof(
    fc.tuple(hostileNumber, hostileNumber),
    fc.array(hostileNumber, { maxLength: 3 }),
    fc.jsonValue(),
  ),
});
const hostileFile = fc
  .record({
    names: fc.array(
      fc.oneof(fc.constantFrom("encoder.weight", "rnn.weight_ih_l0", "__metadata__", "__proto__"), fc.string()),
      {
        maxLength: 4,
      },
    ),
    entries: fc.array(hostileEntry, { minLength: 4, maxLength: 4 }),
    lengthField: fc.oneof(fc.constant(null), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })),
    data: fc.uint8Array({ maxLength: 96 }),
  })
  .map(({ names, entries, lengthField, data }) => {
    const header = new TextEncoder().encode(JSON.stringify(Object.fromEntries(names.map((n, i) => [n, entries[i]]))));
    const bytes = new Uint8Array(8 + header.length + data.length);
    new DataView(bytes.buffer).setBigUint64(0, lengthField ?? BigInt(header.length), true);
    bytes.set(header, 8);
    bytes.set(data, 8 + header.length);
    return bytes;
  });

let root: { path: string; remove: () => Promise<void> };
let modelBytes: Uint8Array;
let trainerBytes: Uint8Array;
let optimizerBytes: Uint8Array;
let manifestText: string;
const dir = () => join(root.path, "ckpt");
const data = sampleCheckpoint({ cell: "gru", vocabSize: 4, hiddenSize: 2, embeddingSize: 2, tied: true });

beforeAll(async () => {
  root = await tempFolder();
  await saveCheckpoint(dir(), data);
  modelBytes = new Uint8Array(await readFile(join(dir(), "model.safetensors")));
  trainerBytes = new Uint8Array(await readFile(join(dir(), "trainer.json")));
  optimizerBytes = new Uint8Array(await readFile(join(dir(), "optimizer.safetensors")));
  manifestText = await readFile(join(dir(), "config.json"), "utf8");
});
afterAll(async () => {
  await root.remove();
});
beforeEach(async () => {
  await restore();
});

/** Puts the original files back. */
async function restore(): Promise<void> {
  await writeFile(join(dir(), "model.safetensors"), modelBytes);
  await writeFile(join(dir(), "trainer.json"), trainerBytes);
  await writeFile(join(dir(), "optimizer.safetensors"), optimizerBytes);
  await writeFile(join(dir(), "config.json"), manifestText);
}

const FILES = {
  "model.safetensors": () => modelBytes,
  "optimizer.safetensors": () => optimizerBytes,
  "trainer.json": () => trainerBytes,
};

describe("decodeSafetensors under fuzzing", () => {
  it("is fed real files of a few hundred bytes", () => {
    expect(modelBytes.length).toBeGreaterThan(100);
    console.log(
      `file sizes: model ${modelBytes.length}, trainer ${trainerBytes.length}, optimizer ${optimizerBytes.length}, config ${manifestText.length}`,
    );
  });

  it("refuses every truncation of a real file with a CheckpointError", () => {
    for (let n = 0; n < modelBytes.length; n++) {
      expect(
        outcome(() => decodeSafetensors(modelBytes.subarray(0, n), "model.safetensors")),
        `length ${n}`,
      ).toBe("error");
    }
  });

  it("random bytes end in a CheckpointError or a well-formed result", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        outcome(() => decodeSafetensors(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it("random byte flips end in a CheckpointError or a file with the same tensors", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: modelBytes.length - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (flips) => {
          const bytes = modelBytes.slice();
          for (const [at, mask] of flips) bytes[at] ^= mask;
          let names: string[] = [];
          if (outcome(() => (names = Object.keys(decodeSafetensors(bytes).tensors))) === "ok") {
            expect(names.length).toBeLessThanOrEqual(Object.keys(data.weights).length);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("headers with huge lengths, offsets and shapes end in a CheckpointError without allocating", () => {
    const before = process.memoryUsage().arrayBuffers;
    fc.assert(
      fc.property(hostileFile, (bytes) => {
        outcome(() => decodeSafetensors(bytes));
      }),
      { numRuns: 2000 },
    );
    // Nothing the size of a claimed tensor was allocated (the largest honest input is < 1 KB).
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("loadCheckpoint under fuzzing", () => {
  it("refuses every truncation of model.safetensors, even with its digest forged to match", async () => {
    // The smallest real model keeps this to a few hundred loads; forged digests get past the
    // checksum, so each cut reaches the safetensors parser.
    const tiny = join(root.path, "tiny");
    await saveCheckpoint(tiny, sampleCheckpoint({ cell: "rnn_tanh", vocabSize: 2, hiddenSize: 1 }, { trainer: false }));
    const bytes = new Uint8Array(await readFile(join(tiny, "model.safetensors")));
    for (let n = 0; n < bytes.length; n++) {
      await replaceWithValidDigest(tiny, "model.safetensors", bytes.subarray(0, n));
      expect(await loadOutcome(tiny), `cut to ${n} of ${bytes.length} bytes, digest forged`).toBe("error");
    }
  });

  it("refuses truncations of any file, digests untouched or forged", async () => {
    const files = { ...FILES, "config.json": () => new TextEncoder().encode(manifestText) };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...(Object.keys(files) as Array<keyof typeof files>)),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.boolean(),
        async (name, where, forge) => {
          const bytes = files[name]();
          const cut = bytes.subarray(0, Math.floor(where * bytes.length));
          if (forge && name !== "config.json") await replaceWithValidDigest(dir(), name, cut);
          else await writeFile(join(dir(), name), cut);
          const result = await loadOutcome(dir());
          await restore();
          // Cutting only config.json's trailing newline leaves the same JSON: nothing is lost.
          if (new TextDecoder().decode(bytes.subarray(cut.length)).trim() !== "") expect(result).toBe("error");
        },
      ),
      { numRuns: 100 },
    );
  });

  it("refuses any byte flip of a data file by its sha256, and survives forged digests", async () => {
    const names = Object.keys(FILES) as Array<keyof typeof FILES>;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        fc.integer({ min: 1, max: 255 }),
        fc.boolean(),
        async (name, where, mask, forge) => {
          const bytes = FILES[name]().slice();
          bytes[Math.floor(where * bytes.length)] ^= mask;
          if (forge) await replaceWithValidDigest(dir(), name, bytes);
          else await writeFile(join(dir(), name), bytes);
          const result = await loadOutcome(dir());
          await restore();
          if (!forge) expect(result).toBe("error");
        },
      ),
      { numRuns: 100 },
    );
  });

  it("random bytes and hostile safetensors headers in any file end in a CheckpointError", async () => {
    const names = [...Object.keys(FILES), "config.json"];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.oneof(fc.uint8Array({ maxLength: 200 }), hostileFile),
        fc.boolean(),
        async (name, bytes, forge) => {
          if (forge && name !== "config.json") await replaceWithValidDigest(dir(), name, bytes);
          else await writeFile(join(dir(), name), bytes);
          const result = await loadOutcome(dir());
          await restore();
          // The one acceptable success: a forged optimizer.safetensors that happens to be a valid
          // file (say, no tensors: plain SGD has no buffers).
          const validOptimizer =
            forge && name === "optimizer.safetensors" && outcome(() => decodeSafetensors(bytes)) === "ok";
          expect(result).toBe(validOptimizer ? result : "error");
        },
      ),
      { numRuns: 100 },
    );
  });

  it("random JSON in config.json and trainer.json ends in a CheckpointError or a valid checkpoint", async () => {
    const manifest = JSON.parse(manifestText);
    const trainer = JSON.parse(new TextDecoder().decode(trainerBytes));
    const paths = (value: unknown, prefix: string[] = []): string[][] =>
      typeof value === "object" && value !== null
        ? [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))]
        : [prefix];
    const targets = [
      ...paths(manifest).map((p) => ["config.json", p] as const),
      ...paths(trainer).map((p) => ["trainer.json", p] as const),
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), fc.jsonValue({ maxDepth: 3 }), async ([file, path], value) => {
        const doc = structuredClone(file === "config.json" ? manifest : trainer);
        if (path.length === 0) {
          await writeFile(join(dir(), file), JSON.stringify(value));
        } else {
          let at = doc;
          for (const key of path.slice(0, -1)) at = at[key];
          at[path[path.length - 1]] = value;
          const text = JSON.stringify(doc);
          if (file === "config.json") await writeFile(join(dir(), file), text);
          else await replaceWithValidDigest(dir(), file, new TextEncoder().encode(text));
        }
        await loadOutcome(dir());
        await restore();
      }),
      { numRuns: 150 },
    );
  });
});
