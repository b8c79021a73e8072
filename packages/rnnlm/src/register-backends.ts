import { type Backend, registerBackend } from "@rnnlm/core";

/** The backend packages, each imported only if installed (a slimmed install may drop one). */
const PACKAGES: ReadonlyArray<{ name: string; load: () => Promise<Backend> }> = [
  { name: "@rnnlm/backend-tfjs", load: async () => (await import("@rnnlm/backend-tfjs")).tfjsBackend },
  { name: "@rnnlm/backend-onnx", load: async () => (await import("@rnnlm/backend-onnx")).onnxBackend },
  { name: "@rnnlm/backend-reference", load: async () => (await import("@rnnlm/backend-reference")).referenceBackend },
];

/** Why a backend package could not be registered (it is missing or failed to import). */
export interface MissingBackend {
  readonly name: string;
  readonly reason: string;
}

let registered: Promise<MissingBackend[]> | null = null;

/**
 * Imports and registers every installed backend once (later calls reuse the first).
 * A package that is missing or fails to import is skipped; its reason is returned so
 * "backend not available" errors can say what is not installed.
 */
export function registerInstalledBackends(): Promise<MissingBackend[]> {
  registered ??= (async () => {
    const missing: MissingBackend[] = [];
    for (const pkg of PACKAGES) {
      try {
        registerBackend(await pkg.load());
      } catch (error) {
        missing.push({ name: pkg.name, reason: error instanceof Error ? error.message.split("\n")[0] : String(error) });
      }
    }
    return missing;
  })();
  return registered;
}
