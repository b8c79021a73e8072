import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CheckpointError, parseModelSpec } from "@rnnlm/core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onnx } from "../src/format/onnx-proto.js";
import {
  exportOnnx,
  loadOnnxModel,
  METADATA_KEYS,
  OnnxFileError,
  type OnnxRuntime,
  onnxBackend,
  readOnnxModel,
} from "../src/index.js";
import { caseWeights } from "./model-cases.js";

const spec = parseModelSpec({ cell: "gru", vocabSize: 6, hiddenSize: 3, numLayers: 2, embeddingSize: 4 });
const good = exportOnnx(spec, caseWeights(spec, 1), { codec: { tokens: ["a", "b"] } });

/** Runs `f` and returns the error it threw. */
function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

/** Re-encodes the good model after `edit` changes its decoded message. */
function edited(edit: (m: ReturnType<typeof onnx.ModelProto.decode>) => void): Uint8Array {
  const m = onnx.ModelProto.decode(good);
  edit(m);
  return onnx.ModelProto.encode(m).finish();
}

function setMeta(m: ReturnType<typeof onnx.ModelProto.decode>, key: string, value: string | null) {
  m.metadataProps = m.metadataProps.filter((p) => p.key !== key);
  if (value !== null) m.metadataProps.push(onnx.StringStringEntryProto.create({ key, value }));
}

describe("untrusted .onnx bytes end in an OnnxFileError", () => {
  it("is a CheckpointError with code ERR_CHECKPOINT", () => {
    const error = errorOf(() => readOnnxModel(new Uint8Array()));
    expect(error).toBeInstanceOf(OnnxFileError);
    expect(error).toBeInstanceOf(CheckpointError);
    expect((error as CheckpointError).code).toBe("ERR_CHECKPOINT");
    expect((error as Error).message).toMatch(/empty/);
  });

  it("refuses every truncation of a valid file", () => {
    for (let cut = 0; cut < good.length; cut += Math.max(1, Math.floor(good.length / 300))) {
      const error = errorOf(() => readOnnxModel(good.subarray(0, cut)));
      expect(error, `cut at ${cut}`).toBeInstanceOf(OnnxFileError);
    }
  });

  it("refuses random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4096 }), (bytes) => {
        expect(errorOf(() => readOnnxModel(bytes))).toBeInstanceOf(OnnxFileError);
      }),
      { numRuns: 300, seed: 42 },
    );
  });

  it("refuses random byte flips of a valid file unless the result is still a consistent model", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, xor) => {
        const bytes = good.slice();
        bytes[at] ^= xor;
        try {
          const back = readOnnxModel(bytes);
          expect(back.spec.vocabSize).toBeGreaterThan(0); // a flip inside a weight's float is undetectable
        } catch (error) {
          expect(error).toBeInstanceOf(OnnxFileError);
        }
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it("names the problem for a valid ONNX file that is not an rnnlm model", () => {
    const foreign = onnx.ModelProto.encode({ irVersion: 8, graph: { name: "other", node: [] } }).finish();
    expect(() => readOnnxModel(foreign)).toThrow(/not an rnnlm model.*rnnlm\.format/);
    expect(() => readOnnxModel(edited((m) => setMeta(m, METADATA_KEYS.format, "something")))).toThrow(
      /not an rnnlm model/,
    );
  });

  it("names the problem in the metadata", () => {
    const cases: Array<[Uint8Array, RegExp]> = [
      [edited((m) => setMeta(m, METADATA_KEYS.formatVersion, "2")), /format version "2"/],
      [edited((m) => setMeta(m, METADATA_KEYS.spec, null)), /no "rnnlm.spec"/],
      [edited((m) => setMeta(m, METADATA_KEYS.spec, "{not json")), /model spec.*not valid JSON/],
      [edited((m) => setMeta(m, METADATA_KEYS.spec, JSON.stringify({ ...spec, hiddenSize: -1 }))), /hiddenSize/],
      [edited((m) => setMeta(m, METADATA_KEYS.codec, "[1, 2]")), /codec description.*not a JSON object/],
      [edited((m) => setMeta(m, METADATA_KEYS.spec, JSON.stringify({ ...spec, hiddenSize: 4 }))), /shape/],
      [
        edited((m) => setMeta(m, METADATA_KEYS.spec, JSON.stringify({ ...spec, numLayers: 3 }))),
        /no initializer "rnn.W_l2"/,
      ],
    ];
    for (const [bytes, message] of cases) {
      const error = errorOf(() => readOnnxModel(bytes));
      expect(error).toBeInstanceOf(OnnxFileError);
      expect((error as Error).message).toMatch(message);
    }
  });

  it("names the problem in the weights", () => {
    const retype = edited((m) => {
      const t = m.graph?.initializer?.find((i) => i.name === "decoder.bias");
      if (t !== undefined) t.dataType = onnx.TensorProto.DataType.DOUBLE;
    });
    expect(() => readOnnxModel(retype)).toThrow(/"decoder.bias" has data type/);
    const short = edited((m) => {
      const t = m.graph?.initializer?.find((i) => i.name === "rnn.R_l1");
      if (t?.rawData) t.rawData = t.rawData.subarray(4);
    });
    expect(() => readOnnxModel(short)).toThrow(/"rnn.R_l1" holds \d+ bytes/);
    const noGraph = edited((m) => {
      m.graph = null as unknown as typeof m.graph;
    });
    expect(() => readOnnxModel(noGraph)).toThrow(/no graph/);
  });

  describe("loadOnnxModel", () => {
    let runtime: OnnxRuntime;
    let dir: string;
    beforeAll(async () => {
      runtime = (await onnxBackend.init("cpu", { threads: 1 })) as OnnxRuntime;
      dir = await mkdtemp(join(tmpdir(), "rnnlm-onnx-"));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("loads a good file from a path with its metadata", async () => {
      const path = join(dir, "good.onnx");
      await writeFile(path, good);
      const loaded = await loadOnnxModel(path, runtime);
      expect(loaded.spec).toEqual(spec);
      expect(loaded.codec).toEqual({ tokens: ["a", "b"] });
      expect(loaded.model.backendId).toBe("onnx:cpu");
      loaded.model.dispose();
    });

    it("refuses a truncated file, a missing path and a folder with the path in the message", async () => {
      const path = join(dir, "cut.onnx");
      await writeFile(path, good.subarray(0, good.length - 10));
      await expect(loadOnnxModel(path, runtime)).rejects.toThrow(OnnxFileError);
      await expect(loadOnnxModel(path, runtime)).rejects.toThrow(/cut\.onnx/);
      await expect(loadOnnxModel(join(dir, "missing.onnx"), runtime)).rejects.toThrow(/missing\.onnx/);
      await expect(loadOnnxModel(dir, runtime)).rejects.toThrow(/not a file/);
      await expect(loadOnnxModel(new Uint8Array([1, 2, 3]), runtime)).rejects.toThrow(OnnxFileError);
    });
  });
});
