import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveCheckpoint } from "../src/node/index.js";
import type { Weights } from "../src/weights.js";
import { sampleCheckpoint, tempFolder } from "./checkpoint-fixture.js";

/**
 * model.safetensors checked byte by byte against the safetensors format specification
 * (https://huggingface.co/docs/safetensors, "Format"), without using rnnlm's own parser:
 *   - 8 bytes: N, an unsigned little-endian 64-bit integer, the size of the header;
 *   - N bytes: a UTF-8 JSON object (first byte "{"), which may be padded with spaces (0x20);
 *     keys are tensor names (no duplicates) plus an optional "__metadata__" string→string map;
 *     each tensor has "dtype", "shape" and "data_offsets" [BEGIN, END) relative to the data;
 *   - the rest: the byte buffer, little-endian, row-major, entirely indexed without holes.
 * Plus what rnnlm promises on top: the data starts 8-byte aligned, tensors appear in PyTorch
 * state_dict order, all F32, metadata {"format": "pt"}.
 */

// LSTM, 2 layers, vocabulary 7, embedding = hidden = 4, tied: shapes worked out by hand
// (4 gates × 4 hidden = 16 rows), in the order of PyTorch's RNNModel.state_dict().
const EXPECTED: Array<[string, number[]]> = [
  ["encoder.weight", [7, 4]],
  ["rnn.weight_ih_l0", [16, 4]],
  ["rnn.weight_hh_l0", [16, 4]],
  ["rnn.bias_ih_l0", [16]],
  ["rnn.bias_hh_l0", [16]],
  ["rnn.weight_ih_l1", [16, 4]],
  ["rnn.weight_hh_l1", [16, 4]],
  ["rnn.bias_ih_l1", [16]],
  ["rnn.bias_hh_l1", [16]],
  ["decoder.weight", [7, 4]],
  ["decoder.bias", [7]],
];

let root: { path: string; remove: () => Promise<void> };
let file: Uint8Array;
let weights: Weights;

beforeAll(async () => {
  root = await tempFolder();
  const data = sampleCheckpoint({
    cell: "lstm",
    vocabSize: 7,
    hiddenSize: 4,
    numLayers: 2,
    embeddingSize: 4,
    tied: true,
  });
  // Hand-checkable values at the start of the data: 1.0f = 00 00 80 3f, -2.0f = 00 00 00 c0.
  const encoder = data.weights["encoder.weight"].data.slice();
  encoder[0] = 1;
  encoder[1] = -2;
  weights = {
    ...data.weights,
    "encoder.weight": { shape: [7, 4], data: encoder },
    "decoder.weight": { shape: [7, 4], data: encoder },
  };
  await saveCheckpoint(join(root.path, "ckpt"), { ...data, weights });
  file = new Uint8Array(await readFile(join(root.path, "ckpt", "model.safetensors")));
});
afterAll(async () => {
  await root.remove();
});

function headerSize(): number {
  let n = 0;
  for (let i = 7; i >= 0; i--) n = n * 256 + file[i];
  return n;
}

describe("model.safetensors against the safetensors specification", () => {
  it("starts with the header size as an unsigned little-endian 64-bit integer, data 8-byte aligned", () => {
    const n = headerSize();
    expect(n).toBeGreaterThan(2);
    expect(8 + n).toBeLessThan(file.length);
    expect((8 + n) % 8).toBe(0);
    expect(file[6]).toBe(0);
    expect(file[7]).toBe(0);
  });

  it("has a UTF-8 JSON header that starts with { and is padded only with spaces", () => {
    const n = headerSize();
    const header = file.subarray(8, 8 + n);
    expect(header[0]).toBe(0x7b);
    const text = new TextDecoder("utf-8", { fatal: true }).decode(header);
    const close = text.lastIndexOf("}");
    expect([...header.subarray(close + 1)].every((b) => b === 0x20)).toBe(true);
    expect(n - (close + 1)).toBeLessThan(8);
    const parsed = JSON.parse(text);
    expect(typeof parsed).toBe("object");
    for (const key of Object.keys(parsed)) {
      // No duplicate keys: each name appears exactly once as a key in the text.
      expect(text.split(`${JSON.stringify(key)}:`).length - 1, key).toBe(1);
    }
  });

  it("holds __metadata__ {format: pt} and every tensor F32 in state_dict order, entirely indexed", () => {
    const n = headerSize();
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n)));
    expect(header.__metadata__).toEqual({ format: "pt" });
    const names = Object.keys(header).filter((k) => k !== "__metadata__");
    expect(names).toEqual(EXPECTED.map(([name]) => name));
    let offset = 0;
    for (const [name, shape] of EXPECTED) {
      const size = 4 * shape.reduce((a, b) => a * b, 1);
      expect(header[name], name).toEqual({ dtype: "F32", shape, data_offsets: [offset, offset + size] });
      offset += size;
    }
    expect(8 + n + offset).toBe(file.length);
  });

  it("stores every value as little-endian IEEE-754 binary32, row-major", () => {
    const start = 8 + headerSize();
    expect([...file.subarray(start, start + 8)]).toEqual([0x00, 0x00, 0x80, 0x3f, 0x00, 0x00, 0x00, 0xc0]);
    const expected = new Uint8Array(file.length - start);
    const view = new DataView(expected.buffer);
    let at = 0;
    for (const [name] of EXPECTED) {
      for (const v of weights[name].data) {
        view.setFloat32(at, v, true);
        at += 4;
      }
    }
    expect(at).toBe(expected.length);
    expect(file.subarray(start)).toEqual(expected);
  });

  it("is recorded in config.json with its size and sha256", async () => {
    const manifest = JSON.parse(await readFile(join(root.path, "ckpt", "config.json"), "utf8"));
    expect(manifest.files["model.safetensors"]).toEqual({
      bytes: file.length,
      sha256: createHash("sha256").update(file).digest("hex"),
    });
    for (const name of ["trainer.json", "optimizer.safetensors"]) {
      const bytes = await readFile(join(root.path, "ckpt", name));
      expect(manifest.files[name]).toEqual({
        bytes: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      });
    }
  });
});
