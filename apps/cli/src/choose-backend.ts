import {
  type BackendRuntime,
  BackendUnavailableError,
  type Capability,
  listBackends,
  parseBackendHints,
  resolveBackend,
} from "@rnnlm/core";
import { registerInstalledBackends } from "@rnnlm/rnnlm";
import { UsageError } from "./usage-error.js";

/** Where a backend choice can come from, highest precedence first. */
export interface BackendChoice {
  /** `--backend` */
  readonly flag?: string | null;
  /** `--device`, or the config's `device` */
  readonly device?: string | null;
  /** The config file's (or saved run's) `backend` key. */
  readonly config?: string | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** When nothing is set (default `auto`). */
  readonly fallback?: string;
}

/** The backends "auto" considers, for a `--device` given without a backend. */
const AUTO_BACKENDS = ["tfjs", "onnx", "reference"];

/**
 * Backend hints by precedence: flag > config > `RNNLM_BACKEND` > fallback (`auto`). A
 * `device` is appended to hints that name a backend without one (`tfjs` + `wasm`).
 */
export function backendHints(choice: BackendChoice): string[] {
  const source = [choice.flag, choice.config, choice.env.RNNLM_BACKEND].find(
    (value) => typeof value === "string" && value.trim().length > 0,
  );
  const hints = parseBackendHints(source ?? choice.fallback ?? "auto");
  if (hints.length === 0) {
    throw new UsageError(
      `the backend "${source}" names no backend`,
      "write e.g. --backend tfjs:wasm, --backend onnx:cpu or --backend auto",
    );
  }
  const device = choice.device;
  if (device === null || device === undefined) return hints;
  // "auto" with a device: every backend that may offer it, in the order auto prefers.
  const expanded = hints.flatMap((hint) =>
    hint === "auto"
      ? AUTO_BACKENDS.map((name) => `${name}:${device}`)
      : hint.includes(":")
        ? [hint]
        : [`${hint}:${device}`],
  );
  return [...new Set(expanded)];
}

/**
 * The thread count: `--threads`/the config's `threads`, else `RNNLM_THREADS`, else undefined (the
 * device's default, which its description states).
 */
export function threadsOf(
  value: number | null | undefined,
  env: Readonly<Record<string, string | undefined>>,
): number | undefined {
  if (value !== null && value !== undefined) return value;
  const text = env.RNNLM_THREADS?.trim();
  if (text === undefined || text === "" || text === "auto") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new UsageError(
      `RNNLM_THREADS must be an integer from 1 to 1024 or "auto", got "${text}"`,
      "fix or unset the environment variable",
    );
  }
  return n;
}

/**
 * Registers the installed backends and loads the first hint that can do `capability` with
 * `threads` CPU threads (undefined: the device's default).
 * Throws a one-line {@link UsageError} naming what is installed when none can.
 */
export async function loadBackend(
  hints: readonly string[],
  capability: Capability,
  threads?: number,
): Promise<BackendRuntime> {
  // Hints that all name their backend ("onnx:cpu", "tfjs") need only those packages imported.
  const names = hints.map((hint) => hint.split(":")[0]);
  const named = names.includes("auto") ? undefined : [...new Set(names)];
  let missing = await registerInstalledBackends(named);
  try {
    return await resolveBackend(hints, { capability, threads });
  } catch (error) {
    if (!(error instanceof BackendUnavailableError)) throw error;
    // Say what every installed backend offers, not only the ones named.
    if (named !== undefined) missing = await registerInstalledBackends();
    const detail = error.message
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line.length > 0)
      .join("; ");
    const notInstalled = missing.length > 0 ? `; not installed: ${missing.map((m) => m.name).join(", ")}` : "";
    const offered = listBackends()
      .flatMap((b) => b.devices.filter((d) => d.capabilities.includes(capability)).map((d) => `${b.name}:${d.name}`))
      .join(", ");
    throw new UsageError(
      `${detail}${notInstalled}`,
      `choose another with --backend or RNNLM_BACKEND (devices that can ${capability}: ${offered || "none"})`,
      { cause: error },
    );
  }
}
