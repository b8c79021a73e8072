import { readFileSync } from "node:fs";
import { type ModelSpec, parseModelSpec, parseTrainingOptions, SeededRandom } from "@rnnlm/core";
import { initWeights } from "@rnnlm/core/backend";
import onnxProto from "onnx-proto";
import { describe, expect, it } from "vitest";
import { buildGreedyModel } from "../src/format/greedy-graph.js";
import { onnx } from "../src/format/onnx-proto.js";
import { ProtoDecodeError } from "../src/format/protobuf-wire.js";
import { exportOnnx } from "../src/index.js";
import { buildTrainGraph } from "../src/train/train-graph.js";

// The hand-written ModelProto codec against protobufjs's generated one (the `onnx-proto`
// package, a dev dependency kept as the oracle) and against a file Python's onnx 1.12 wrote
// (test/fixtures/make-python-written.py). Python's onnx.checker reading our files is
// python-onnx-checker.test.ts.

const reference = onnxProto.onnx;

/** protobufjs's decoded message as a plain object holding only the fields on the wire. */
function referenceDecode(bytes: Uint8Array): Record<string, unknown> {
  return reference.ModelProto.toObject(reference.ModelProto.decode(bytes), { longs: Number }) as Record<
    string,
    unknown
  >;
}

const specs: ModelSpec[] = [
  parseModelSpec({ cell: "lstm", vocabSize: 28, hiddenSize: 8 }),
  parseModelSpec({ cell: "gru", vocabSize: 30, hiddenSize: 6, numLayers: 2, embeddingSize: 4 }),
  parseModelSpec({ cell: "rnn_relu", vocabSize: 12, hiddenSize: 5, embeddingSize: 5, tied: true }),
];

function ourFiles(): [string, Uint8Array][] {
  const files: [string, Uint8Array][] = [];
  for (const spec of specs) {
    const weights = initWeights(spec, new SeededRandom(1));
    files.push([
      `${spec.cell} export`,
      exportOnnx(spec, weights, { codec: { tokens: ["ä", "✓"] }, metadata: { a: "b" } }),
    ]);
    files.push([`${spec.cell} greedy Loop model`, buildGreedyModel(spec, weights)]);
    const training = parseTrainingOptions({ optimizer: { type: "adam", lr: 0.01 }, clip: 1 });
    files.push([`${spec.cell} training graph`, buildTrainGraph(spec, training, 3, 2, "train").bytes]);
  }
  return files;
}

describe("the hand-written ONNX codec", () => {
  for (const [name, bytes] of ourFiles()) {
    it(`writes the bytes protobufjs writes, and both read them back alike (${name})`, () => {
      // Ours → decoded by protobufjs → re-encoded by protobufjs: the same bytes.
      expect(Buffer.from(reference.ModelProto.encode(reference.ModelProto.decode(bytes)).finish())).toEqual(
        Buffer.from(bytes),
      );
      // Ours decoding, then encoding, whether the message came from our decoder or protobufjs's.
      expect(Buffer.from(onnx.ModelProto.encode(onnx.ModelProto.decode(bytes)).finish())).toEqual(Buffer.from(bytes));
      expect(Buffer.from(onnx.ModelProto.encode(referenceDecode(bytes)).finish())).toEqual(Buffer.from(bytes));
    });
  }

  it("reads a file Python's onnx wrote: every field protobufjs reads, negative int64s, subgraphs, UTF-8", () => {
    const bytes = new Uint8Array(readFileSync(new URL("./fixtures/python-written.onnx", import.meta.url)));
    const ours = onnx.ModelProto.decode(bytes);
    // Re-encoded, ours and protobufjs's reading of the file give the same bytes.
    expect(Buffer.from(onnx.ModelProto.encode(ours).finish())).toEqual(
      Buffer.from(reference.ModelProto.encode(reference.ModelProto.decode(bytes)).finish()),
    );
    expect(ours.producerName).toBe("python-onnx");
    expect(ours.irVersion).toBe(8);
    expect(ours.modelVersion).toBe(42);
    expect(ours.opsetImport).toEqual([{ domain: "", version: 17 }]);
    expect(Object.fromEntries(ours.metadataProps.map((e) => [e.key, e.value]))).toEqual({
      "rnnlm.format": "not-rnnlm",
      note: "ünïcødé ✓",
    });
    const graph = ours.graph;
    const init = (n: string) => graph?.initializer?.find((t) => t.name === n);
    expect(init("int64_data")?.int64Data).toEqual([-1, -9007199254740991, 9007199254740991, 7]);
    expect(init("int32_data")?.int32Data).toEqual([-1, 0, 2147483647]);
    expect(init("double_data")?.doubleData).toEqual([0.1, -1e300]);
    expect(init("float_data")?.floatData).toEqual([0.5, -0.25, 100]);
    expect(Array.from(new Float32Array(Uint8Array.from(init("raw_weight")?.rawData ?? []).buffer))).toEqual([
      1.5,
      -2.25,
      3,
      0,
      Math.fround(1e-30),
      -7,
    ]);
    const node = (op: string) => graph?.node?.find((n) => n.opType === op);
    expect(node("LeakyRelu")?.attribute?.[0]).toMatchObject({ name: "alpha", f: 0.125, type: 1 });
    expect(node("Transpose")?.attribute?.[0]).toMatchObject({ name: "perm", ints: [1, 0], type: 7 });
    const rnn = node("RNN")?.attribute ?? [];
    expect(new TextDecoder().decode(rnn.find((a) => a.name === "activations")?.strings?.[0])).toBe("Tanh");
    expect(rnn.find((a) => a.name === "activation_alpha")?.floats).toEqual([0.5, -2]);
    expect(node("Constant")?.attribute?.[0]?.t?.floatData).toEqual([4]);
    const loop = node("Loop");
    expect(loop?.docString).toBe("three additions");
    expect(loop?.input).toEqual(["trip", "", "x0"]);
    expect(loop?.attribute?.[0]?.g?.node?.map((n) => n.opType)).toEqual(["Identity", "Add"]);
    const seq = graph?.input?.find((v) => v.name === "seq")?.type?.tensorType;
    expect(seq?.elemType).toBe(1);
    expect(seq?.shape?.dim).toEqual([{ dimParam: "steps" }, { dimParam: "batch" }, { dimValue: 3 }]);
  });

  it("refuses bytes that are not a ModelProto with a ProtoDecodeError", () => {
    const good = exportOnnx(specs[0], initWeights(specs[0], new SeededRandom(1)));
    expect(() => onnx.ModelProto.decode(good.subarray(0, good.length - 3))).toThrow(ProtoDecodeError);
    expect(() => onnx.ModelProto.decode(Uint8Array.of(0x3a, 0x05, 0x01))).toThrow(/reads past the end/);
    expect(() => onnx.ModelProto.decode(Uint8Array.of(0x7f))).toThrow(/unknown wire type 7/);
    expect(() => onnx.ModelProto.decode(Uint8Array.of(0x3d, 0, 0, 0, 0))).toThrow(/field graph \(7\) has wire type 5/);
    expect(() => onnx.ModelProto.decode(new Uint8Array(11).fill(0xff))).toThrow(/varint/);
    // Graphs nested in attributes past the depth bound end in an error, not a stack overflow.
    const nestedGraph = (depth: number): object =>
      depth === 0
        ? { name: "leaf" }
        : { node: [{ opType: "If", attribute: [{ name: "g", g: nestedGraph(depth - 1) }] }] };
    const deep = (depth: number) => onnx.ModelProto.encode({ graph: nestedGraph(depth) }).finish();
    expect(() => onnx.ModelProto.decode(deep(20))).not.toThrow();
    expect(() => onnx.ModelProto.decode(deep(30))).toThrow(/nested more than 64 deep/);
  });
});
