import { onnxBackend } from "@rnnlm/backend-onnx/browser";
import { type BackendRuntime, registerBackend, resolveBackend } from "@rnnlm/core";

/** ONNX Runtime Web devices the page offers. */
export const WEB_DEVICES = ["wasm", "webgpu"] as const;
export type WebDevice = (typeof WEB_DEVICES)[number];

export function isWebDevice(value: string): value is WebDevice {
  return (WEB_DEVICES as readonly string[]).includes(value);
}

/** Whether the browser exposes WebGPU at all (an adapter may still be missing). */
export function hasWebGpu(): boolean {
  return "gpu" in navigator && (navigator as { gpu?: unknown }).gpu !== undefined;
}

let registered = false;

/** Loads `onnx:<device>` through core's registry (each device starts once, then is reused). */
export async function loadRuntime(device: WebDevice): Promise<BackendRuntime> {
  if (!registered) {
    registerBackend(onnxBackend);
    registered = true;
  }
  return resolveBackend(`onnx:${device}`);
}
