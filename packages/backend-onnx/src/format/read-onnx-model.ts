import { gateCount, inputSize, type ModelSpec, type Weights } from "@rnnlm/core";
import { validateWeights, withTiedDecoder } from "@rnnlm/core/backend";
import { invertGateOrder, ONNX_GATE_ORDER, permuteGateBlocks } from "./gate-order.js";
import { OnnxFileError } from "./onnx-file-error.js";
import { recurrentInitializerNames } from "./onnx-io.js";
import { type OnnxMetadata, parseMetadataProps } from "./onnx-metadata.js";
import { type OnnxTypes, onnx } from "./onnx-proto.js";
import { readFloatInitializer } from "./tensor-proto.js";

/** Protobuf messages cannot exceed 2 GiB; larger inputs are refused before decoding. */
export const MAX_ONNX_BYTES = 2 ** 31 - 1;

/** An exported model read back: its metadata and canonical weights (PyTorch layout, both keys when tied). */
export interface OnnxModelContents extends OnnxMetadata {
  readonly weights: Weights;
}

function asBytes(source: Uint8Array | ArrayBuffer): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  throw new OnnxFileError("an ONNX model must be given as a Uint8Array or an ArrayBuffer");
}

/** Decodes the protobuf, with size checks; every failure is an {@link OnnxFileError}. */
export function decodeOnnx(source: Uint8Array | ArrayBuffer): OnnxTypes.ModelProto {
  const bytes = asBytes(source);
  if (bytes.length === 0) throw new OnnxFileError("the ONNX file is empty");
  if (bytes.length > MAX_ONNX_BYTES) {
    throw new OnnxFileError(`the ONNX file is ${bytes.length} bytes; protobuf models are limited to 2 GiB`);
  }
  let model: OnnxTypes.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new OnnxFileError(
      `not a valid ONNX file (truncated or corrupt protobuf: ${(error as Error).message}); re-export or re-download it`,
      { cause: error },
    );
  }
  return model;
}

function metadataOf(model: OnnxTypes.ModelProto): OnnxMetadata {
  return parseMetadataProps(model.metadataProps ?? [], {
    name: model.producerName ?? "",
    version: model.producerVersion ?? "",
  });
}

/** Reads an exported file's metadata (spec, codec description, user metadata) without its weights. */
export function readOnnxMetadata(source: Uint8Array | ArrayBuffer): OnnxMetadata {
  return metadataOf(decodeOnnx(source));
}

function extractWeights(spec: ModelSpec, graph: OnnxTypes.IGraphProto): Weights {
  const byName = new Map<string, OnnxTypes.ITensorProto>();
  for (const t of graph.initializer ?? []) byName.set(t.name ?? "", t);
  const take = (name: string, dims: number[]): Float32Array => {
    const t = byName.get(name);
    if (t === undefined) {
      throw new OnnxFileError(`the file has no initializer "${name}", which its model spec needs; re-export the model`);
    }
    return readFloatInitializer(t, dims);
  };
  const H = spec.hiddenSize;
  const V = spec.vocabSize;
  const GH = gateCount(spec.cell) * H;
  const back = invertGateOrder(ONNX_GATE_ORDER[spec.cell]);
  const weights: Weights = {};
  if (spec.embeddingSize !== null) {
    weights["encoder.weight"] = {
      shape: [V, spec.embeddingSize],
      data: take("encoder.weight", [V, spec.embeddingSize]),
    };
  }
  for (let k = 0; k < spec.numLayers; k++) {
    const inSize = k === 0 ? inputSize(spec) : H;
    const names = recurrentInitializerNames(k);
    const W = take(names.W, [1, GH, inSize]);
    const R = take(names.R, [1, GH, H]);
    const B = take(names.B, [1, 2 * GH]);
    const unpermute = (src: Float32Array, cols: number) => {
      const out = new Float32Array(GH * cols);
      permuteGateBlocks(src, H, cols, back, out);
      return out;
    };
    weights[`rnn.weight_ih_l${k}`] = { shape: [GH, inSize], data: unpermute(W, inSize) };
    weights[`rnn.weight_hh_l${k}`] = { shape: [GH, H], data: unpermute(R, H) };
    weights[`rnn.bias_ih_l${k}`] = { shape: [GH], data: unpermute(B.subarray(0, GH), 1) };
    weights[`rnn.bias_hh_l${k}`] = { shape: [GH], data: unpermute(B.subarray(GH), 1) };
  }
  if (!spec.tied) weights["decoder.weight"] = { shape: [V, H], data: take("decoder.weight", [V, H]) };
  weights["decoder.bias"] = { shape: [V], data: take("decoder.bias", [V]) };
  const full = withTiedDecoder(spec, weights);
  try {
    validateWeights(spec, full);
  } catch (error) {
    throw new OnnxFileError(`the file's weights do not match its model spec: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return full;
}

/**
 * Reads an exported rnnlm model: validates the metadata (format, spec, codec) and every
 * initializer's shape against the spec, and returns canonical weights. Untrusted input ends in
 * an {@link OnnxFileError}. The file's graph is not executed: runtimes rebuild it from the spec
 * and weights, so a tampered graph cannot reach ONNX Runtime.
 */
export function readOnnxModel(source: Uint8Array | ArrayBuffer): OnnxModelContents {
  const model = decodeOnnx(source);
  const meta = metadataOf(model);
  if (model.graph === null || model.graph === undefined) throw new OnnxFileError("the ONNX file has no graph");
  return { ...meta, weights: extractWeights(meta.spec, model.graph) };
}
