import type { BackendRuntime, Model } from "@rnnlm/core";
import { type OnnxModelContents, readOnnxModel } from "../format/read-onnx-model.js";

/** A model loaded from an exported file, with what the file says about itself. */
export interface LoadedOnnxModel extends Omit<OnnxModelContents, "weights"> {
  readonly model: Model;
}

/**
 * Loads an exported rnnlm `.onnx` model onto `runtime`: validates the file (an
 * `OnnxFileError` when it is corrupt or not ours), then builds the model from its spec and
 * weights. Any backend's runtime works (`onnx:*`, `tfjs:*`, `reference`).
 */
export async function loadOnnxModelBytes(
  bytes: Uint8Array | ArrayBuffer,
  runtime: BackendRuntime,
): Promise<LoadedOnnxModel> {
  const { weights, ...meta } = readOnnxModel(bytes);
  const model = await runtime.createModel(meta.spec, { weights });
  return { ...meta, model };
}
