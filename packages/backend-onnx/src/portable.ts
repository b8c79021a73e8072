// What both entry points (Node and browser) export: exporting and reading rnnlm ONNX files,
// the runtime objects a user holds. Graph builders, gate layout and format constants stay
// internal (tests import them by path).
export { type ExportOnnxOptions, exportModel, exportOnnx } from "./format/export-onnx.js";
export type { JsonObject, JsonValue } from "./format/json-value.js";
export { OnnxFileError } from "./format/onnx-file-error.js";
export { ONNX_IO } from "./format/onnx-io.js";
export {
  METADATA_FORMAT,
  METADATA_FORMAT_VERSION,
  METADATA_KEYS,
  type OnnxMetadata,
} from "./format/onnx-metadata.js";
export { MAX_ONNX_BYTES, type OnnxModelContents, readOnnxMetadata, readOnnxModel } from "./format/read-onnx-model.js";
export type { LoadedOnnxModel } from "./runtime/load-onnx-model.js";
export type { OnnxModel } from "./runtime/onnx-model.js";
export type { OnnxRuntime } from "./runtime/onnx-runtime.js";
export { configureOnnxWeb, type OnnxWebOptions } from "./runtime/web-devices.js";
export type { OnnxTrainableModel, OnnxTrainableModelOptions, StepTiming } from "./train/onnx-trainable-model.js";
export type { TrainGraphMode } from "./train/train-graph.js";
