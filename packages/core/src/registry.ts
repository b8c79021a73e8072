import { BackendUnavailableError, SpecError } from "./errors.js";
import type { Backend, BackendInitOptions, BackendRuntime, Capability, TrainingRuntime } from "./runtime.js";

const backends = new Map<string, Backend>();
const loaded = new Map<string, Promise<BackendRuntime>>();

/** Makes a backend available to {@link resolveBackend}; registering a name again replaces it. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.name, backend);
  for (const key of [...loaded.keys()]) if (key.startsWith(`${backend.name}:`)) loaded.delete(key);
}

export function listBackends(): Backend[] {
  return [...backends.values()];
}

/** Splits `"tfjs:wasm,onnx:cpu"` (a flag or `RNNLM_BACKEND`) into hints. */
export function parseBackendHints(value: string | readonly string[] | undefined): string[] {
  const parts = typeof value === "string" ? value.split(",") : (value ?? []);
  return parts.map((h) => h.trim()).filter((h) => h.length > 0);
}

export interface ResolveOptions extends BackendInitOptions {
  /** The job the backend must do (default "infer"). */
  readonly capability?: Capability;
}

interface Candidate {
  backend: Backend;
  device: string;
}

function expandHint(hint: string, capability: Capability): Candidate[] | string {
  const [name, device = "auto"] = hint.split(":", 2);
  const pool = name === "auto" ? [...backends.values()] : [backends.get(name)].filter((b) => b !== undefined);
  if (pool.length === 0) return `no backend named "${name}" is registered`;
  const candidates: Array<Candidate & { priority: number }> = [];
  for (const backend of pool) {
    for (const d of backend.devices) {
      if (device !== "auto" && d.name !== device) continue;
      if (!d.capabilities.includes(capability)) continue;
      candidates.push({ backend, device: d.name, priority: d.priority[capability] ?? 0 });
    }
  }
  if (candidates.length === 0) {
    const offered = pool.flatMap((b) => b.devices.map((d) => `${b.name}:${d.name} [${d.capabilities.join(", ")}]`));
    return `"${hint}" offers no device that can ${capability} (offered: ${offered.join("; ")})`;
  }
  // Stable sort keeps a backend's own device order among equal priorities.
  return candidates.sort((a, b) => b.priority - a.priority);
}

function checkThreads(threads: number | undefined): void {
  if (threads === undefined) return;
  if (!Number.isInteger(threads) || threads < 1 || threads > 1024) {
    throw new SpecError(`threads must be an integer from 1 to 1024, got ${threads}`);
  }
}

/**
 * Resolves configuration hints (`"tfjs:cuda"`, `"tfjs:wasm"`, `"onnx:cpu"`, `"reference"`,
 * `"auto"`) to a loaded backend: tries them in order, initialises each backend device once per
 * thread count (later calls reuse it; `threads` undefined is the device's default), falls through on failure, and when nothing fits throws a
 * {@link BackendUnavailableError} listing what is registered and why each candidate failed.
 */
export function resolveBackend(
  hints: string | readonly string[] | undefined,
  options: ResolveOptions & { readonly capability: "train" },
): Promise<TrainingRuntime>;
export function resolveBackend(hints?: string | readonly string[], options?: ResolveOptions): Promise<BackendRuntime>;
export async function resolveBackend(
  hints: string | readonly string[] = "auto",
  options: ResolveOptions = {},
): Promise<BackendRuntime> {
  const capability = options.capability ?? "infer";
  checkThreads(options.threads);
  const list = parseBackendHints(hints);
  if (list.length === 0) list.push("auto");
  const failures: string[] = [];
  const tried = new Set<string>();
  for (const hint of list) {
    const expanded = expandHint(hint, capability);
    if (typeof expanded === "string") {
      failures.push(expanded);
      continue;
    }
    for (const { backend, device } of expanded) {
      const key = `${backend.name}:${device}`;
      if (tried.has(key)) continue;
      tried.add(key);
      // One runtime per device and thread count: asking for other threads later gets its own.
      const cacheKey = options.threads === undefined ? key : `${key}@${options.threads}`;
      let pending = loaded.get(cacheKey);
      if (pending === undefined) {
        pending = backend.init(device, { threads: options.threads });
        loaded.set(cacheKey, pending);
        // A failed init is remembered only for this call: the user may install something and retry.
        pending.catch(() => loaded.delete(cacheKey));
      }
      try {
        const runtime = await pending;
        // The "train" overload promises createTrainableModel: a device that claims training
        // without it is a backend bug, reported like any other failure.
        if (capability === "train" && runtime.createTrainableModel === undefined) {
          failures.push(`${key}: declares "train" but its runtime has no createTrainableModel`);
          continue;
        }
        return runtime;
      } catch (error) {
        failures.push(`${key}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  const registered =
    backends.size === 0
      ? "none (install and import @rnnlm/backend-tfjs, @rnnlm/backend-onnx or @rnnlm/backend-reference)"
      : [...backends.values()].map((b) => `${b.name} (${b.devices.map((d) => d.name).join(", ")})`).join("; ");
  throw new BackendUnavailableError(
    `no backend can ${capability} for "${list.join(",")}".\n  registered: ${registered}\n  ${failures.join("\n  ")}`,
  );
}

/** Hints from the environment (`RNNLM_BACKEND`), or `fallback`. */
export function backendHintsFromEnv(
  fallback = "auto",
  env: Record<string, string | undefined> = (globalThis as { process?: { env: Record<string, string | undefined> } })
    .process?.env ?? {},
): string[] {
  const value = env.RNNLM_BACKEND;
  const hints = parseBackendHints(value);
  return hints.length > 0 ? hints : [fallback];
}
