import { parseModelSpec, ShapeError, SpecError } from "@rnnlm/core";
import { describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { ONNX_IR_VERSION, ONNX_OPSET } from "../src/format/onnx-nodes.js";
import { onnx } from "../src/format/onnx-proto.js";
import { exportOnnx, METADATA_KEYS, readOnnxMetadata, readOnnxModel } from "../src/index.js";
import { PACKAGE_VERSION } from "../src/package-version.js";
import { caseWeights, modelCases } from "./model-cases.js";

const tiny = (extra: object = {}) => parseModelSpec({ cell: "lstm", vocabSize: 3, hiddenSize: 1, ...extra });

function initializer(bytes: Uint8Array, name: string): number[] {
  const t = onnx.ModelProto.decode(bytes).graph?.initializer?.find((i) => i.name === name);
  if (t?.rawData === undefined || t.rawData === null) throw new Error(`no initializer ${name}`);
  const view = new DataView(t.rawData.buffer, t.rawData.byteOffset, t.rawData.byteLength);
  return Array.from({ length: t.rawData.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}

describe("exportOnnx", () => {
  it("writes IR 8, opset 17, producer and the spec into the file", () => {
    const spec = tiny();
    const bytes = exportOnnx(spec, caseWeights(spec, 1));
    const model = onnx.ModelProto.decode(bytes);
    expect(Number(model.irVersion)).toBe(ONNX_IR_VERSION);
    expect(model.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([["", ONNX_OPSET]]);
    expect(model.producerName).toBe("rnnlm");
    expect(model.producerVersion).toBe(packageJson.version);
    expect(PACKAGE_VERSION).toBe(packageJson.version);
    expect(model.graph?.input?.map((i) => i.name)).toEqual(["ids", "h0", "c0"]);
    expect(model.graph?.output?.map((i) => i.name)).toEqual(["logits", "hn", "cn"]);
    expect(model.graph?.node?.filter((n) => n.opType === "LSTM")).toHaveLength(1);
  });

  it("permutes LSTM gate blocks from PyTorch i,f,g,o to ONNX i,o,f,c (hand-built weights)", () => {
    const spec = tiny();
    const w = caseWeights(spec, 1);
    w["rnn.weight_ih_l0"].data.set([10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42]); // rows i, f, g, o
    w["rnn.weight_hh_l0"].data.set([1, 2, 3, 4]);
    w["rnn.bias_ih_l0"].data.set([5, 6, 7, 8]);
    w["rnn.bias_hh_l0"].data.set([9, 10, 11, 12]);
    const bytes = exportOnnx(spec, w);
    expect(initializer(bytes, "rnn.W_l0")).toEqual([10, 11, 12, 40, 41, 42, 20, 21, 22, 30, 31, 32]);
    expect(initializer(bytes, "rnn.R_l0")).toEqual([1, 4, 2, 3]);
    expect(initializer(bytes, "rnn.B_l0")).toEqual([5, 8, 6, 7, 9, 12, 10, 11]);
  });

  it("permutes GRU gate blocks from r,z,n to z,r,h with linear_before_reset = 1", () => {
    const spec = tiny({ cell: "gru" });
    const w = caseWeights(spec, 1);
    w["rnn.weight_hh_l0"].data.set([1, 2, 3]);
    const bytes = exportOnnx(spec, w);
    expect(initializer(bytes, "rnn.R_l0")).toEqual([2, 1, 3]);
    const gru = onnx.ModelProto.decode(bytes).graph?.node?.find((n) => n.opType === "GRU");
    expect(Number(gru?.attribute?.find((a) => a.name === "linear_before_reset")?.i)).toBe(1);
  });

  it("gives rnn_relu the Relu activation", () => {
    const spec = tiny({ cell: "rnn_relu" });
    const node = onnx.ModelProto.decode(exportOnnx(spec, caseWeights(spec, 1))).graph?.node?.find(
      (n) => n.opType === "RNN",
    );
    const act = node?.attribute
      ?.find((a) => a.name === "activations")
      ?.strings?.map((s) => new TextDecoder().decode(s));
    expect(act).toEqual(["Relu"]);
  });

  it("stores one shared matrix for tied weights", () => {
    const spec = parseModelSpec({ cell: "gru", vocabSize: 50, hiddenSize: 8, embeddingSize: 8, tied: true });
    const names = onnx.ModelProto.decode(exportOnnx(spec, caseWeights(spec, 1))).graph?.initializer?.map((i) => i.name);
    expect(names).toContain("encoder.weight");
    expect(names).not.toContain("decoder.weight");
  });

  it("reads back exactly the canonical weights it was given, for every case", () => {
    for (const { spec } of modelCases()) {
      const weights = caseWeights(spec, 3);
      const back = readOnnxModel(exportOnnx(spec, weights));
      expect(back.spec).toEqual(spec);
      expect(Object.keys(back.weights).sort()).toEqual(Object.keys(weights).sort());
      for (const [name, w] of Object.entries(weights)) {
        expect(back.weights[name].shape).toEqual(w.shape);
        expect(Array.from(back.weights[name].data)).toEqual(Array.from(w.data));
      }
    }
  });

  it("rounds float64 weights to float32", () => {
    const spec = tiny();
    const w32 = caseWeights(spec, 4);
    const w64 = Object.fromEntries(
      Object.entries(w32).map(([k, v]) => [k, { shape: v.shape, data: Float64Array.from(v.data, (x) => x + 1e-12) }]),
    );
    const back = readOnnxModel(exportOnnx(spec, w64));
    expect(Array.from(back.weights["decoder.bias"].data)).toEqual(Array.from(w32["decoder.bias"].data));
  });

  it("keeps the codec description and the caller's metadata", () => {
    const spec = tiny();
    const codec = { type: "char", tokens: ["<unk>", " ", "a"], unk: 0 };
    const meta = readOnnxMetadata(
      exportOnnx(spec, caseWeights(spec, 1), { codec, metadata: { corpus: "timemachine", epochs: "500" } }),
    );
    expect(meta.codec).toEqual(codec);
    expect(meta.metadata).toEqual({ corpus: "timemachine", epochs: "500" });
    expect(meta.spec).toEqual(spec);
    expect(meta.formatVersion).toBe(1);
    expect(meta.producer.name).toBe("rnnlm");
    expect(readOnnxMetadata(exportOnnx(spec, caseWeights(spec, 1))).codec).toBeNull();
  });

  it("refuses reserved metadata keys, bad specs and bad weights", () => {
    const spec = tiny();
    const w = caseWeights(spec, 1);
    expect(() => exportOnnx(spec, w, { metadata: { [METADATA_KEYS.spec]: "x" } })).toThrow(/reserved/);
    expect(() => exportOnnx({ ...spec, hiddenSize: 0 }, w)).toThrow(SpecError);
    const { "decoder.bias": _, ...missing } = w;
    expect(() => exportOnnx(spec, missing)).toThrow(ShapeError);
    expect(() => exportOnnx(spec, { ...w, "decoder.bias": { shape: [4], data: new Float32Array(4) } })).toThrow(
      /decoder.bias/,
    );
  });

  it("refuses NaN or infinite weights (a diverged model)", () => {
    const spec = tiny();
    const w = caseWeights(spec, 1);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const data = Float32Array.from(w["decoder.bias"].data);
      data[2] = bad;
      expect(() => exportOnnx(spec, { ...w, "decoder.bias": { shape: [3], data } })).toThrow(
        new RegExp(`weight "decoder.bias" holds ${bad} at index 2`),
      );
    }
  });
});
