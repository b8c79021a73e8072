import { type BackendInitOptions, BackendUnavailableError } from "@rnnlm/core";
import { isMissingPackage, ORT_VERSION } from "./missing-package.js";
import type { DeviceLoader } from "./onnx-backend.js";
import { OnnxRuntime } from "./onnx-runtime.js";
import { OrtEngine } from "./ort-engine.js";
import type { OrtModule } from "./ort-types.js";
import { probeRuntime } from "./probe-runtime.js";

/** Settings for ONNX Runtime Web, applied before its WebAssembly is first loaded. */
export interface OnnxWebOptions {
  /**
   * Where the `ort-wasm-*.wasm`/`.mjs` files are served from (a URL prefix or a map), when the
   * bundler does not resolve them next to onnxruntime-web's module (see ORT's `env.wasm.wasmPaths`).
   */
  readonly wasmPaths?: string | Record<string, string>;
  /** WASM threads (needs a cross-origin isolated page in browsers); default: ORT's choice in browsers, 1 in Node. */
  readonly numThreads?: number;
  /** Run ORT Web in a worker (browsers only). */
  readonly proxy?: boolean;
}

let webOptions: OnnxWebOptions = {};

/** Sets ONNX Runtime Web options; call before the first `onnx:wasm`/`onnx:webgpu` init. */
export function configureOnnxWeb(options: OnnxWebOptions): void {
  webOptions = { ...webOptions, ...options };
}

/** The WASM thread count ORT Web started with (null until the first device loads). */
let started: number | null = null;

const inNode = (): boolean =>
  typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === "string";

async function loadOrtWeb(options: BackendInitOptions): Promise<OrtModule> {
  let ort: OrtModule;
  try {
    ort = await import("onnxruntime-web");
  } catch (error) {
    if (isMissingPackage(error, "onnxruntime-web")) {
      throw new BackendUnavailableError(
        `onnx:wasm and onnx:webgpu need the package onnxruntime-web, which is not installed: npm install onnxruntime-web@${ORT_VERSION}`,
        { cause: error },
      );
    }
    throw new BackendUnavailableError(
      `onnxruntime-web could not be imported (${(error as Error).message}); reinstall it (npm install onnxruntime-web@${ORT_VERSION})`,
      { cause: error },
    );
  }
  const threads = options.threads ?? webOptions.numThreads ?? (inNode() ? 1 : undefined);
  // ORT Web fixes its thread count when its WebAssembly first loads: a later request for another
  // count would silently run with the first one.
  if (started !== null && threads !== undefined && threads !== started) {
    throw new BackendUnavailableError(
      `ONNX Runtime Web already runs with ${started} thread(s) in this process and cannot change it; ask for threads ${started} or restart`,
    );
  }
  if (threads !== undefined) ort.env.wasm.numThreads = threads;
  started ??= ort.env.wasm.numThreads ?? 0;
  if (webOptions.wasmPaths !== undefined) ort.env.wasm.wasmPaths = webOptions.wasmPaths;
  if (webOptions.proxy !== undefined) ort.env.wasm.proxy = webOptions.proxy;
  return ort;
}

function threadsOf(ort: OrtModule): string {
  const n = ort.env.wasm.numThreads;
  return n === undefined || n === 0 ? "ORT's default threads" : `${n} thread(s)`;
}

/** `onnx:wasm`: ONNX Runtime Web's WebAssembly CPU kernels, in Node and browsers. */
export const loadWasm: DeviceLoader = async (options) => {
  const ort = await loadOrtWeb(options);
  const runtime = new OnnxRuntime(
    "wasm",
    new OrtEngine(ort, { executionProviders: ["wasm"], graphOptimizationLevel: "all" }),
    `onnxruntime-web ${ort.env.versions.web ?? "?"}, WASM execution provider, ${threadsOf(ort)}`,
    ["wasm"],
  );
  return probeRuntime(
    runtime,
    "Check that the ort-wasm .wasm/.mjs files are served (configureOnnxWeb({ wasmPaths })) and not blocked by the page's CSP.",
  );
};

/**
 * `onnx:webgpu`: ONNX Runtime Web's WebGPU execution provider (browsers with `navigator.gpu`).
 * ORT has no WebGPU kernels for RNN/GRU/LSTM/OneHot, so those nodes run on its WASM CPU
 * kernels inside the same session; Gather and the decoder MatMul run on the GPU.
 */
export const loadWebGpu: DeviceLoader = async (options) => {
  if (inNode()) {
    throw new BackendUnavailableError(
      "onnx:webgpu runs in browsers only (ONNX Runtime Web's WebGPU EP); in Node use onnx:cuda, onnx:cpu or onnx:wasm",
    );
  }
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav?.gpu === undefined) {
    throw new BackendUnavailableError(
      "onnx:webgpu needs WebGPU (navigator.gpu is missing: use a browser with WebGPU enabled, over https or localhost); use onnx:wasm instead",
    );
  }
  const ort = await loadOrtWeb(options);
  const runtime = new OnnxRuntime(
    "webgpu",
    new OrtEngine(ort, { executionProviders: ["webgpu"], graphOptimizationLevel: "all" }),
    `onnxruntime-web ${ort.env.versions.web ?? "?"}, WebGPU execution provider (Gather, MatMul on the GPU; ` +
      `RNN/GRU/LSTM/OneHot have no WebGPU kernels and run on ORT's WASM CPU kernels, ${threadsOf(ort)})`,
    ["webgpu"],
  );
  return probeRuntime(runtime, "The browser's WebGPU adapter could not be used; use onnx:wasm instead.");
};

/** Devices that need Node.js (onnxruntime-node), as seen from a browser build. */
export const nodeOnly =
  (device: string): DeviceLoader =>
  async () => {
    throw new BackendUnavailableError(
      `onnx:${device} needs onnxruntime-node (Node.js only); in browsers use onnx:webgpu or onnx:wasm`,
    );
  };
