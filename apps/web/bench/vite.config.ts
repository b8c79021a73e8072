// Builds the bench pages (bench/dist): the app's configuration plus tfjs's WASM files under tfjs/.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { mergeConfig, type Plugin } from "vite";
import appConfig from "../vite.config.js";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const TFJS_WASM_FILES = [
  "tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm",
];

function tfjsWasmFiles(): Plugin {
  const require = createRequire(import.meta.url);
  const distDir = join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist");
  return {
    name: "rnnlm-bench-tfjs-wasm-files",
    generateBundle() {
      for (const file of TFJS_WASM_FILES) {
        this.emitFile({ type: "asset", fileName: `tfjs/${file}`, source: readFileSync(join(distDir, file)) });
      }
    },
  };
}

export default mergeConfig(appConfig, {
  root: BENCH_DIR,
  plugins: [tfjsWasmFiles()],
  // Unminified: minifying breaks the pthread worker tfjs-backend-wasm builds from a stringified function.
  build: {
    outDir: join(BENCH_DIR, "dist"),
    emptyOutDir: true,
    minify: false,
    // Two pages: training (index.html) and generation (generation.html).
    rollupOptions: { input: [join(BENCH_DIR, "index.html"), join(BENCH_DIR, "generation.html")] },
  },
});
