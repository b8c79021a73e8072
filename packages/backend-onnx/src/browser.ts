// Browser entry: onnx:webgpu and onnx:wasm on onnxruntime-web; no Node modules.
import type { Backend, BackendRuntime } from "@rnnlm/core";
import { type LoadedOnnxModel, loadOnnxModelBytes } from "./runtime/load-onnx-model.js";
import { createOnnxBackend } from "./runtime/onnx-backend.js";
import { loadWasm, loadWebGpu, nodeOnly } from "./runtime/web-devices.js";

export * from "./portable.js";

/** The ONNX backend for browsers: register it with core's `registerBackend(onnxBackend)`. */
export const onnxBackend: Backend = createOnnxBackend({
  cpu: nodeOnly("cpu"),
  cuda: nodeOnly("cuda"),
  wasm: loadWasm,
  webgpu: loadWebGpu,
});

/** Loads an exported rnnlm model (e.g. `await (await fetch(url)).arrayBuffer()`) onto `runtime`. */
export function loadOnnxModel(source: Uint8Array | ArrayBuffer, runtime: BackendRuntime): Promise<LoadedOnnxModel> {
  return loadOnnxModelBytes(source, runtime);
}
