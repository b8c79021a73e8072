import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultClientConditions, defineConfig } from "vite";
import { ISOLATION_HEADERS } from "./build-tools/isolation-headers.js";
import { ortWasmFiles } from "./build-tools/ort-wasm-files.js";

const require = createRequire(import.meta.url);
const coreDir = dirname(require.resolve("@rnnlm/core/package.json"));

export default defineConfig({
  // Relative asset URLs: dist/ works from any folder of a static host.
  base: "./",
  plugins: [ortWasmFiles()],
  resolve: {
    // onnxruntime-web's entry that loads its .wasm/.mjs from env.wasm.wasmPaths (served by the app).
    conditions: ["onnxruntime-web-use-extern-wasm", ...defaultClientConditions],
    alias: [
      // The training worker writes checkpoints with core's own encoder (the format the CLI
      // resumes from), which @rnnlm/core/node does not export and which hashes with
      // node:crypto: the alias reaches the built module, the shim gives it SHA-256.
      {
        find: "virtual:rnnlm-checkpoint-encoding",
        replacement: join(coreDir, "dist", "node", "encode-checkpoint.js"),
      },
      {
        find: "node:crypto",
        replacement: fileURLToPath(new URL("./src/train/node-crypto-shim.ts", import.meta.url)),
      },
    ],
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
