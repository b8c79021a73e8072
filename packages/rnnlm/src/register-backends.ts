import { type Backend, registerBackend } from "@rnnlm/core";

/** The backend packages, each imported only if installed (a slimmed install may drop one). */
const PACKAGES: ReadonlyArray<{ backend: string; name: string; load: () => Promise<Backend> }> = [
  { backend: "tfjs", name: "@rnnlm/backend-tfjs", load: async () => (await import("@rnnlm/backend-tfjs")).tfjsBackend },
  { backend: "onnx", name: "@rnnlm/backend-onnx", load: async () => (await import("@rnnlm/backend-onnx")).onnxBackend },
  {
    backend: "reference",
    name: "@rnnlm/backend-reference",
    load: async () => (await import("@rnnlm/backend-reference")).referenceBackend,
  },
];

/** Why a backend package could not be registered (it is missing or failed to import). */
export interface MissingBackend {
  readonly name: string;
  readonly reason: string;
}

/** Each package's registration, once: null when registered, else why not. */
const registrations = new Map<string, Promise<MissingBackend | null>>();

function registerPackage(pkg: (typeof PACKAGES)[number]): Promise<MissingBackend | null> {
  let registration = registrations.get(pkg.name);
  if (registration === undefined) {
    registration = pkg.load().then(
      (backend) => {
        registerBackend(backend);
        return null;
      },
      (error: unknown) => ({
        name: pkg.name,
        reason: error instanceof Error ? error.message.split("\n")[0] : String(error),
      }),
    );
    registrations.set(pkg.name, registration);
  }
  return registration;
}

/**
 * Imports and registers the installed backends, each package once (later calls reuse the first
 * import): all of them, or only those named in `backends` (`"tfjs"`, `"onnx"`, `"reference"`) —
 * a run that names its backend need not load the others (TensorFlow.js alone takes ~0.1 s to
 * import). A package that is missing or fails to import is skipped; its reason is returned so
 * "backend not available" errors can say what is not installed.
 */
export async function registerInstalledBackends(backends?: readonly string[]): Promise<MissingBackend[]> {
  const missing: MissingBackend[] = [];
  // One at a time, in a fixed order: the registry keeps registration order.
  for (const pkg of PACKAGES) {
    if (backends !== undefined && !backends.includes(pkg.backend)) continue;
    const result = await registerPackage(pkg);
    if (result !== null) missing.push(result);
  }
  return missing;
}
