import { configureOnnxWeb } from "@rnnlm/backend-onnx/browser";

/** Most WASM threads the page asks for; ONNX Runtime gains little beyond this for small RNNs. */
const MAX_THREADS = 4;

/** Where the app serves ONNX Runtime Web's `.wasm`/`.mjs` files (see build-tools/ort-wasm-files.ts). */
export function ortWasmUrl(): string {
  return new URL(`${import.meta.env.BASE_URL}ort/`, document.baseURI).href;
}

/** WASM threads: several when the page is cross-origin isolated (SharedArrayBuffer), else one. */
export function wasmThreads(): number {
  if (!globalThis.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(MAX_THREADS, navigator.hardwareConcurrency || 1));
}

/** Points ONNX Runtime Web at the app's own copies of its files, before its first use. */
export function setUpOnnxRuntimeWeb(): { wasmPaths: string; threads: number } {
  const settings = { wasmPaths: ortWasmUrl(), threads: wasmThreads() };
  configureOnnxWeb({ wasmPaths: settings.wasmPaths, numThreads: settings.threads });
  return settings;
}
