/**
 * Cross-origin isolation: with these two headers `crossOriginIsolated` is true, so
 * SharedArrayBuffer exists and ONNX Runtime Web can run its WASM kernels on several threads.
 * Used by `vite` (dev), `vite preview` and the test's static server.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};
