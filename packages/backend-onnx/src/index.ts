// Node entry: onnx:cpu and onnx:cuda on onnxruntime-node, onnx:wasm on onnxruntime-web.
import type { Backend } from "@rnnlm/core";
import { loadCpu, loadCuda } from "./runtime/node-devices.js";
import { createOnnxBackend } from "./runtime/onnx-backend.js";
import { loadWasm, loadWebGpu } from "./runtime/web-devices.js";

export {
  exportCheckpointFile,
  exportModelFile,
  exportOnnxFile,
  loadOnnxModel,
  readOnnxFile,
  writeOnnxFile,
} from "./format/onnx-file.js";
export * from "./portable.js";

/** The ONNX backend for Node: register it with core's `registerBackend(onnxBackend)`. */
export const onnxBackend: Backend = createOnnxBackend({
  cpu: loadCpu,
  cuda: loadCuda,
  wasm: loadWasm,
  webgpu: loadWebGpu,
});
