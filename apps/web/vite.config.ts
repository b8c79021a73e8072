import { defaultClientConditions, defineConfig } from "vite";
import { ISOLATION_HEADERS } from "./build-tools/isolation-headers.js";
import { ortWasmFiles } from "./build-tools/ort-wasm-files.js";

export default defineConfig({
  // Relative asset URLs: dist/ works from any folder of a static host.
  base: "./",
  plugins: [ortWasmFiles()],
  resolve: {
    // onnxruntime-web's entry that loads its .wasm/.mjs from env.wasm.wasmPaths (served by the app).
    conditions: ["onnxruntime-web-use-extern-wasm", ...defaultClientConditions],
  },
  optimizeDeps: {
    // Pre-bundling would move onnxruntime-web away from the files it loads at run time.
    exclude: ["onnxruntime-web"],
  },
  // The training worker imports ONNX Runtime Web dynamically: only ES module workers can split chunks.
  worker: { format: "es" },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
  build: {
    target: "es2022",
    // onnxruntime-web's bundle is ~400 kB minified; the warning is expected.
    chunkSizeWarningLimit: 1024,
  },
});
