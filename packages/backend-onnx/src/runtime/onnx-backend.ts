import { type Backend, type BackendDevice, type BackendInitOptions, BackendUnavailableError } from "@rnnlm/core";
import type { OnnxRuntime } from "./onnx-runtime.js";

/**
 * Devices of the ONNX backend; priorities per core's scale (native GPU ~100, WASM ~30–40).
 * Training: onnx:cpu 80 (2–4× PyTorch at equal threads, see the README); onnx:wasm 25, below
 * tfjs:wasm's 30: its d2l RNN and GRU steps measured 3× faster than tfjs:wasm, its LSTM 0.6×.
 */
export const ONNX_DEVICES: readonly BackendDevice[] = [
  { name: "cuda", capabilities: ["infer"], priority: { infer: 95 } },
  { name: "cpu", capabilities: ["train", "infer"], priority: { train: 80, infer: 80 } },
  { name: "webgpu", capabilities: ["infer"], priority: { infer: 70 } },
  { name: "wasm", capabilities: ["train", "infer"], priority: { train: 25, infer: 40 } },
];

/** Loads one device; throws with a reason a user can act on. */
export type DeviceLoader = (options: BackendInitOptions) => Promise<OnnxRuntime>;

/** The backend object for one platform (Node or browser), given how to load each device there. */
export function createOnnxBackend(loaders: Readonly<Record<string, DeviceLoader>>): Backend {
  return {
    name: "onnx",
    devices: ONNX_DEVICES,
    async init(device: string, options: BackendInitOptions = {}): Promise<OnnxRuntime> {
      const load = loaders[device];
      if (load === undefined) {
        throw new BackendUnavailableError(
          `onnx has no device "${device}" (devices: ${ONNX_DEVICES.map((d) => d.name).join(", ")})`,
        );
      }
      try {
        return await load(options);
      } catch (error) {
        if (error instanceof BackendUnavailableError) throw error;
        throw new BackendUnavailableError(`onnx:${device} failed to start: ${(error as Error).message}`, {
          cause: error,
        });
      }
    },
  };
}
