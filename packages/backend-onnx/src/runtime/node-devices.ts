import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { type BackendInitOptions, BackendUnavailableError } from "@rnnlm/core";
import { isMissingPackage, ORT_VERSION } from "./missing-package.js";
import type { DeviceLoader } from "./onnx-backend.js";
import { OnnxRuntime } from "./onnx-runtime.js";
import { OrtEngine } from "./ort-engine.js";
import type { OrtModule, OrtSessionOptions } from "./ort-types.js";
import { probeRuntime } from "./probe-runtime.js";

async function loadOrtNode(): Promise<OrtModule> {
  try {
    const ort: OrtModule = await import("onnxruntime-node");
    // ONNX Runtime's warnings (graph rewrites, telemetry) mean nothing to a user of rnnlm;
    // RNNLM_DEBUG=1 keeps them. Read when the first session starts.
    if (process.env.RNNLM_DEBUG !== "1") ort.env.logLevel = "error";
    return ort;
  } catch (error) {
    if (isMissingPackage(error, "onnxruntime-node")) {
      throw new BackendUnavailableError(
        `onnx:cpu and onnx:cuda need the package onnxruntime-node, which is not installed: npm install onnxruntime-node@${ORT_VERSION} (or use onnx:wasm with onnxruntime-web)`,
        { cause: error },
      );
    }
    throw new BackendUnavailableError(
      `onnxruntime-node could not be loaded (${(error as Error).message}); it ships binaries for Linux, macOS and Windows on x64/arm64. Reinstall it, or use onnx:wasm`,
      { cause: error },
    );
  }
}

/**
 * Intra-op threads when none are asked for: one per core, at most 4. Set explicitly (ORT's own
 * default is its count of physical cores) so the description states the count that results
 * depend on: training is deterministic for a given thread count, not across counts.
 */
export function defaultCpuThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

function cpuOptions(options: BackendInitOptions): OrtSessionOptions {
  return {
    executionProviders: ["cpu"],
    graphOptimizationLevel: "all",
    intraOpNumThreads: options.threads ?? defaultCpuThreads(),
  };
}

/** `onnx:cpu`: onnxruntime-node's native CPU execution provider. */
export const loadCpu: DeviceLoader = async (options) => {
  const ort = await loadOrtNode();
  const n = options.threads ?? defaultCpuThreads();
  const threads = `${n} intra-op thread${n === 1 ? "" : "s"}${options.threads === undefined ? " (default)" : ""}`;
  const runtime = new OnnxRuntime(
    "cpu",
    new OrtEngine(ort, cpuOptions(options), n <= availableParallelism()),
    `onnxruntime-node ${ort.env.versions.node ?? "?"}, CPU execution provider, ${threads}`,
    ["cpu"],
  );
  return probeRuntime(runtime, "Reinstall onnxruntime-node, or use onnx:wasm.");
};

const CUDA_ADVICE =
  "Install the CUDA EP binaries (CUDA 12 + cuDNN 9 on Linux x64 or Windows x64) with " +
  "`npm install onnxruntime-node --onnxruntime-node-install=cuda12` (or env ONNXRUNTIME_NODE_INSTALL=cuda12), " +
  "or use onnx:cpu.";

/** Where onnxruntime-node keeps its native libraries for this platform. */
function ortNodeBinDir(): string {
  const entry = createRequire(import.meta.url).resolve("onnxruntime-node");
  return join(dirname(entry), "..", "bin", "napi-v6", process.platform, process.arch);
}

/**
 * `onnx:cuda`: onnxruntime-node's CUDA execution provider. `['cuda', 'cpu']` would not fall
 * back when the provider library is missing, and a session with `['cuda']` fails only when
 * created, so this checks the library is installed and then proves a session runs.
 */
export const loadCuda: DeviceLoader = async (options) => {
  const library = process.platform === "win32" ? "onnxruntime_providers_cuda.dll" : "libonnxruntime_providers_cuda.so";
  if (process.platform !== "linux" && process.platform !== "win32") {
    throw new BackendUnavailableError(`onnx:cuda is not available on ${process.platform}. ${CUDA_ADVICE}`);
  }
  const dir = ortNodeBinDir();
  if (!existsSync(join(dir, library))) {
    throw new BackendUnavailableError(
      `onnx:cuda: the CUDA execution provider (${library}) is not installed in ${dir}. ${CUDA_ADVICE}`,
    );
  }
  const ort = await loadOrtNode();
  const runtime = new OnnxRuntime(
    "cuda",
    new OrtEngine(ort, { ...cpuOptions(options), executionProviders: ["cuda"] }),
    `onnxruntime-node ${ort.env.versions.node ?? "?"}, CUDA execution provider`,
    ["cuda"],
  );
  return probeRuntime(runtime, CUDA_ADVICE);
};
