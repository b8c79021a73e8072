import { type Model, type ModelSpec, parseModelSpec, RnnlmError, type Weights } from "@rnnlm/core";
import { validateWeights } from "@rnnlm/core/backend";
import { PACKAGE_VERSION } from "../package-version.js";
import { buildOnnxGraph } from "./inference-graph.js";
import { metadataProps } from "./onnx-metadata.js";
import { ONNX_IR_VERSION, ONNX_OPSET } from "./onnx-nodes.js";
import { onnx } from "./onnx-proto.js";

export interface ExportOnnxOptions {
  /**
   * The vocabulary / codec description (any JSON object, e.g. data's `TextCodec.toJSON()`),
   * stored in `metadata_props` as `rnnlm.codec` so the file is self-contained. Checked at run
   * time to be plain JSON.
   */
  readonly codec?: object | null;
  /** Extra string metadata (keys must not start with `rnnlm.`). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Exports canonical weights (PyTorch names and gate order, core `Weights`) of `spec` to an
 * ONNX model (IR 8, opset 17). Float64 weights are rounded to float32.
 * Throws a `SpecError`/`ShapeError` when the spec or the weights are invalid.
 */
export function exportOnnx(spec: ModelSpec, weights: Weights, options: ExportOnnxOptions = {}): Uint8Array {
  const parsed = parseModelSpec(spec);
  validateWeights(parsed, weights);
  // A diverged model exports fine and fails only where it is used: refuse it here.
  for (const [name, { data }] of Object.entries(weights)) {
    const bad = data.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) {
      throw new RnnlmError(
        "ERR_EXPORT",
        `weight "${name}" holds ${data[bad]} at index ${bad}: a model with non-finite weights cannot be exported; export an earlier checkpoint, or retrain with a lower learning rate`,
      );
    }
  }
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    producerName: "rnnlm",
    producerVersion: PACKAGE_VERSION,
    modelVersion: 1,
    docString: `rnnlm ${parsed.cell} language model (${parsed.numLayers} layer(s), hidden ${parsed.hiddenSize}, vocabulary ${parsed.vocabSize})`,
    graph: buildOnnxGraph(parsed, weights),
    metadataProps: metadataProps(parsed, options.codec, options.metadata),
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Exports a live model of any backend (its `getWeights()`). */
export async function exportModel(model: Model, options: ExportOnnxOptions = {}): Promise<Uint8Array> {
  return exportOnnx(model.spec, await model.getWeights(), options);
}
