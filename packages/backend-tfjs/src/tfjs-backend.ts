import type { Backend, BackendInitOptions, BackendRuntime } from "@rnnlm/core";
import { loadDevice, tfjsDevices } from "./devices.js";
import { TfjsRuntime } from "./runtime.js";

/**
 * TensorFlow.js: `cuda` (@tensorflow/tfjs-node-gpu), `cpu-native` (@tensorflow/tfjs-node),
 * `wasm`, `cpu`. tfjs keeps ONE active backend per process: `init` makes the device
 * active, and each model re-activates its device before it computes, so mixing devices
 * in one process works but switches (and moves tensors) on every change.
 */
export const tfjsBackend: Backend = {
  name: "tfjs",
  devices: tfjsDevices,
  async init(device: string, options: BackendInitOptions = {}): Promise<BackendRuntime> {
    return new TfjsRuntime(await loadDevice(device, options.threads));
  },
};
