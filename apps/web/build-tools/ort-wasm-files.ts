import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Plugin } from "vite";

/** Folder (under the app's base URL) the ONNX Runtime Web files are served from. */
export const ORT_WASM_DIR = "ort/";

/**
 * The ONNX Runtime Web files the app loads at run time: the JSEP build carries both the WASM
 * CPU kernels and the WebGPU execution provider. The app imports onnxruntime-web's
 * "extern wasm" entry (`onnxruntime-web-use-extern-wasm` condition), which fetches these from
 * `env.wasm.wasmPaths` instead of a CDN or a copy inlined in the bundle.
 */
export const ORT_WASM_FILES = ["ort-wasm-simd-threaded.jsep.mjs", "ort-wasm-simd-threaded.jsep.wasm"] as const;

/** Resolves onnxruntime-web the way the app's bundle does: as a dependency of @rnnlm/backend-onnx. */
function ortFilePath(file: string): string {
  const fromApp = createRequire(import.meta.url);
  const fromBackend = createRequire(fromApp.resolve("@rnnlm/backend-onnx/package.json"));
  return fromBackend.resolve(`onnxruntime-web/${file}`);
}

function contentType(file: string): string {
  return file.endsWith(".wasm") ? "application/wasm" : "text/javascript";
}

/**
 * Serves ONNX Runtime Web's `.wasm`/`.mjs` files at `<base>ort/` in `vite` (dev) and copies
 * them into `dist/ort/` in `vite build`, so the page works offline with no CDN.
 */
export function ortWasmFiles(): Plugin {
  let base = "/";
  return {
    name: "rnnlm-ort-wasm-files",
    configResolved(config) {
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? "").split("?")[0];
        const file = ORT_WASM_FILES.find((f) => path === `${base}${ORT_WASM_DIR}${f}`);
        if (file === undefined) return next();
        res.setHeader("Content-Type", contentType(file));
        res.end(readFileSync(ortFilePath(file)));
      });
    },
    generateBundle() {
      for (const file of ORT_WASM_FILES) {
        this.emitFile({ type: "asset", fileName: `${ORT_WASM_DIR}${file}`, source: readFileSync(ortFilePath(file)) });
      }
    },
  };
}
