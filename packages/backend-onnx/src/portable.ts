// What both entry points (Node and browser) export.
export { type ExportOnnxOptions, exportModel, exportOnnx } from "./format/export-onnx.js";
export { invertGateOrder, ONNX_GATE_ORDER, permuteGateBlocks } from "./format/gate-order.js";
export { isJsonObject, type JsonObject, type JsonValue } from "./format/json-value.js";
export type { LoadedOnnxModel } from "./runtime/load-onnx-model.js";
export { createOnnxBackend, type DeviceLoader, ONNX_DEVICES } from "./runtime/onnx-backend.js";
export { OnnxFileError } from "./format/onnx-file-error.js";
export { ONNX_IR_VERSION, ONNX_OPSET } from "./format/onnx-nodes.js";
export { ONNX_IO } from "./format/onnx-io.js";
export {
  METADATA_FORMAT,
  METADATA_FORMAT_VERSION,
  METADATA_KEYS,
  type OnnxMetadata,
} from "./format/onnx-metadata.js";
export { OnnxModel } from "./runtime/onnx-model.js";
export { OnnxRuntime } from "./runtime/onnx-runtime.js";
export { PACKAGE_VERSION } from "./package-version.js";
export { MAX_ONNX_BYTES, type OnnxModelContents, readOnnxMetadata, readOnnxModel } from "./format/read-onnx-model.js";
export { configureOnnxWeb, type OnnxWebOptions } from "./runtime/web-devices.js";
export {
  type OnnxTrainableModelOptions,
  OnnxTrainableModel,
  type StepTiming,
} from "./train/onnx-trainable-model.js";
export { buildTrainGraph, type MaskInputs, type TrainGraph, type TrainGraphMode } from "./train/train-graph.js";
export { TRAIN_IO } from "./train/train-io.js";
