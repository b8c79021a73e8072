import { createRequire } from "node:module";
import path from "node:path";
import type { BackendDevice } from "@rnnlm/core";
import { BackendUnavailableError } from "@rnnlm/core";
import * as tf from "@tensorflow/tfjs-core";

/** Devices of the tfjs backend, in preference order. */
export const TFJS_DEVICES = ["cuda", "cpu-native", "wasm", "cpu"] as const;
export type TfjsDevice = (typeof TFJS_DEVICES)[number];

export const tfjsDevices: readonly BackendDevice[] = [
  { name: "cuda", capabilities: ["train", "infer"], priority: { train: 100, infer: 90 } },
  { name: "cpu-native", capabilities: ["train", "infer"], priority: { train: 60, infer: 60 } },
  { name: "wasm", capabilities: ["train", "infer"], priority: { train: 30, infer: 30 } },
  { name: "cpu", capabilities: ["train", "infer"], priority: { train: 10, infer: 10 } },
];

/** A device loaded into tfjs's (single, global) engine. */
export interface LoadedDevice {
  readonly device: TfjsDevice;
  /** The tfjs backend name (`tensorflow`, `wasm`, `cpu`) that `tf.setBackend` takes. */
  readonly tfBackend: string;
  readonly description: string;
}

const CUDA_HELP =
  "install it with `npm install @tensorflow/tfjs-node-gpu@4.22.0` on a Linux x64 machine with an NVIDIA GPU, " +
  "CUDA 11.2 and cuDNN 8.1 (its install step downloads libtensorflow 2.9.1 GPU, built for exactly those versions)";
const NATIVE_HELP =
  "install it with `npm install @tensorflow/tfjs-node@4.22.0` (its install step downloads libtensorflow 2.9.1 " +
  "for your platform; it needs network access to storage.googleapis.com)";

function isAbsent(error: unknown, pkg: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(pkg);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

/** A device that runs one thread here says so when more were asked for. */
function singleThreaded(loaded: LoadedDevice, threads: number | undefined): LoadedDevice {
  if (threads === undefined || threads === 1) return loaded;
  return { ...loaded, description: `${loaded.description}; ${threads} threads asked, 1 runs` };
}

/** The intra-op thread count libtensorflow was started with (null before the first load). */
let nativeThreads: string | null = null;

/**
 * Imports a tfjs-node flavour; it registers the `tensorflow` backend on the shared tfjs engine.
 * libtensorflow reads its intra-op thread count from `TF_NUM_INTRAOP_THREADS` once, when it starts.
 */
async function loadNative(device: "cuda" | "cpu-native", threads: number | undefined): Promise<LoadedDevice> {
  const pkg = device === "cuda" ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
  const help = device === "cuda" ? CUDA_HELP : NATIVE_HELP;
  const env = process.env;
  if (nativeThreads !== null && threads !== undefined && String(threads) !== nativeThreads) {
    throw new BackendUnavailableError(
      `tfjs:${device}: libtensorflow already runs with ${nativeThreads} intra-op threads in this process and cannot change; ask for those or restart`,
    );
  }
  if (nativeThreads === null && threads !== undefined) env.TF_NUM_INTRAOP_THREADS = String(threads);
  try {
    // A variable specifier: the package is an optional peer dependency, absent at build time.
    const specifier: string = pkg;
    await import(specifier);
  } catch (error) {
    if (isAbsent(error, pkg)) {
      throw new BackendUnavailableError(`tfjs:${device} needs ${pkg}, which is not installed: ${help}`, {
        cause: error,
      });
    }
    throw new BackendUnavailableError(
      `tfjs:${device}: ${pkg} is installed but failed to load (${reason(error)}). Its native addon or ` +
        `libtensorflow is missing or broken: reinstall it (\`npm rebuild ${pkg}\`); ${help}`,
      { cause: error },
    );
  }
  if (tf.findBackendFactory("tensorflow") === null) {
    throw new BackendUnavailableError(
      `tfjs:${device}: ${pkg} loaded but registered no "tensorflow" backend with @tensorflow/tfjs-core ` +
        `${tf.version_core}; install ${pkg}@${tf.version_core} so both use the same tfjs version`,
    );
  }
  if (!(await tf.setBackend("tensorflow"))) {
    throw new BackendUnavailableError(
      `tfjs:${device}: the "tensorflow" backend of ${pkg} failed to initialise; ${help}`,
    );
  }
  nativeThreads ??= env.TF_NUM_INTRAOP_THREADS ?? "default";
  const native = tf.backend() as { isUsingGpuDevice?: boolean };
  if (device === "cuda" && native.isUsingGpuDevice === false) {
    throw new BackendUnavailableError(
      `tfjs:cuda: ${pkg} loaded but TensorFlow found no usable GPU (check \`nvidia-smi\`, and that the CUDA 11.2 ` +
        "and cuDNN 8.1 libraries are on LD_LIBRARY_PATH)",
    );
  }
  if (device === "cpu-native" && native.isUsingGpuDevice === true) {
    throw new BackendUnavailableError(
      "tfjs:cpu-native: the loaded tensorflow backend runs on the GPU (@tensorflow/tfjs-node-gpu is loaded); use tfjs:cuda",
    );
  }
  return {
    device,
    tfBackend: "tensorflow",
    description:
      `TensorFlow.js ${tf.version_core} on ${pkg} (libtensorflow, ${device === "cuda" ? "CUDA GPU" : "multi-threaded CPU"}, ` +
      `${nativeThreads === "default" ? "TensorFlow's default" : nativeThreads} intra-op threads)`,
  };
}

let wasmPathsSet = false;

/** The WASM backend, loading its `.wasm` files from this installation (no network). */
async function loadWasm(): Promise<LoadedDevice> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  if (!wasmPathsSet) {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
    wasm.setWasmPaths(`${dir}${path.sep}`);
    wasmPathsSet = true;
  }
  if (!(await tf.setBackend("wasm"))) {
    throw new BackendUnavailableError(
      "tfjs:wasm: the WebAssembly backend failed to initialise (see the warning above)",
    );
  }
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = wasm.getThreadsCount();
  return {
    device: "wasm",
    tfBackend: "wasm",
    description:
      `TensorFlow.js ${tf.version_core} WebAssembly backend, ${simd ? "SIMD" : "no SIMD"}, ${threads} thread` +
      `${threads === 1 ? "" : "s"} (in Node its multi-threaded build is not used: it needs Web Workers)`,
  };
}

async function loadCpu(): Promise<LoadedDevice> {
  await import("@tensorflow/tfjs-backend-cpu");
  if (!(await tf.setBackend("cpu"))) throw new BackendUnavailableError("tfjs:cpu: the pure-JS backend failed to start");
  return {
    device: "cpu",
    tfBackend: "cpu",
    description: `TensorFlow.js ${tf.version_core} pure-JavaScript CPU backend (single-threaded, slowest)`,
  };
}

/**
 * Loads `device` and makes it tfjs's active backend. Throws a {@link BackendUnavailableError}
 * saying what to install when it cannot.
 */
export async function loadDevice(device: string, threads?: number): Promise<LoadedDevice> {
  switch (device) {
    case "cuda":
    case "cpu-native":
      return loadNative(device, threads);
    case "wasm":
      return singleThreaded(await loadWasm(), threads);
    case "cpu":
      return singleThreaded(await loadCpu(), threads);
    default:
      throw new BackendUnavailableError(`tfjs has no device "${device}" (devices: ${TFJS_DEVICES.join(", ")})`);
  }
}

/**
 * tfjs has one global engine with one active backend. Every model calls this before it
 * computes, so models on different devices can be used in one process (each switch costs
 * a data move on first use of tensors that live on the other backend).
 */
export function activate(tfBackend: string): void {
  if (tf.getBackend() === tfBackend) return;
  // Already initialised: setBackend switches synchronously before its first await.
  void tf.setBackend(tfBackend);
  if (tf.getBackend() !== tfBackend) {
    throw new BackendUnavailableError(`tfjs could not switch its global backend to "${tfBackend}"`);
  }
}
