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

/**
 * WASM threads of the page's own ONNX Runtime, which only generates: a batch-1 step is a few
 * matrix-vector products, too small to split. In Chromium on 2 cores the d2l LSTM-256 generated
 * ~27,300 greedy tokens/s on 1 thread and ~12,700 on 2 (bench/results/web-generate.json).
 */
export const GENERATION_THREADS = 1;

/**
 * Points the page's ONNX Runtime Web at the app's own copies of its files, before its first use.
 * `threads` is for training workers (each loads its own runtime); generation on the page runs on
 * {@link GENERATION_THREADS}.
 */
export function setUpOnnxRuntimeWeb(): { wasmPaths: string; threads: number } {
  const settings = { wasmPaths: ortWasmUrl(), threads: wasmThreads() };
  configureOnnxWeb({ wasmPaths: settings.wasmPaths, numThreads: GENERATION_THREADS });
  return settings;
}
