import type { BackendRuntime } from "@rnnlm/core";
import { describe, it } from "vitest";
import type { CompareOptions } from "./compare.js";
import {
  type ConformanceCase,
  loadConformanceCases,
  loadTrainingRunCases,
  type TrainingRunCase,
} from "./conformance-case.js";
import {
  CONFORMANCE_PARTS,
  type ConformancePart,
  type ConformanceTolerances,
  checkConformanceCase,
  checkTrainingRun,
  unsupportedReason,
} from "./conformance-check.js";

export interface ConformanceSuiteOptions {
  /** Shown in test names, e.g. "tfjs:wasm". */
  readonly name: string;
  /** Loads the runtime once; when it throws, every case skips with the reason (see `optional`). */
  readonly runtime: () => BackendRuntime | Promise<BackendRuntime>;
  /** Parts to run (default all). */
  readonly parts?: readonly ConformancePart[];
  /** Overrides of {@link FP32_TOLERANCES}. */
  readonly tolerances?: Partial<ConformanceTolerances>;
  /** Returns a reason to skip one case's part, or undefined to run it. */
  readonly skip?: (c: ConformanceCase, part: ConformancePart) => string | undefined;
  /**
   * With `RNNLM_REQUIRE_TOOLS=1` a runtime that fails to load fails every test, unless the
   * device is optional (native CUDA/CPU builds that cannot exist on CI).
   */
  readonly optional?: boolean;
  /** Cases to run (default: {@link loadConformanceCases}()). */
  readonly cases?: readonly ConformanceCase[];
  /** Training runs to run with the `trainingRun` part (default: {@link loadTrainingRunCases}()). */
  readonly runs?: readonly TrainingRunCase[];
  /** Floor of the error metric (see {@link CompareOptions}). */
  readonly compare?: CompareOptions;
}

/**
 * What to do when the runtime failed to load: the skip reason, or an Error to fail with when
 * `RNNLM_REQUIRE_TOOLS=1` (from `env`) and the device is not optional.
 */
export function runtimeFailure(
  name: string,
  message: string,
  optional: boolean,
  env: Record<string, string | undefined> = process.env,
): { skip: string } | { fail: Error } {
  const reason = `runtime ${name} failed to load: ${message}`;
  if (env.RNNLM_REQUIRE_TOOLS === "1" && !optional) {
    return {
      fail: new Error(
        `${reason} (RNNLM_REQUIRE_TOOLS=1 makes this a failure; mark the device optional if CI cannot have it)`,
      ),
    };
  }
  return { skip: reason };
}

type RuntimeOutcome = { runtime: BackendRuntime } | { error: string };

/**
 * Registers vitest `describe`/`it` blocks that run every conformance case against a
 * backend runtime: `conformance <name>` › `<case>` › `forward` | `gradients` | `trainStep`, and
 * with the `trainingRun` part `conformance <name>` › `<run>` › `trainingRun`.
 * Failures name the tensor, the error, the tolerance and the worst element; skips print
 * their reason.
 */
export function runConformanceSuite(options: ConformanceSuiteOptions): void {
  const parts = options.parts ?? CONFORMANCE_PARTS;
  const cases = options.cases ?? loadConformanceCases();
  let outcome: Promise<RuntimeOutcome> | undefined;
  const loadRuntime = (): Promise<RuntimeOutcome> => {
    outcome ??= (async () => {
      try {
        return { runtime: await options.runtime() };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        console.warn(`[conformance ${options.name}] runtime failed to load, every case skips: ${message}`);
        return { error: message };
      }
    })();
    return outcome;
  };

  const runtimeFor = async (ctx: { skip: (reason: string) => never }): Promise<BackendRuntime> => {
    const loaded = await loadRuntime();
    if ("error" in loaded) {
      const failure = runtimeFailure(options.name, loaded.error, options.optional === true);
      if ("fail" in failure) throw failure.fail;
      return ctx.skip(failure.skip);
    }
    return loaded.runtime;
  };
  const skipFor = (name: string, part: ConformancePart, reason: string | undefined) => {
    if (reason !== undefined) console.info(`[conformance ${options.name}] skip ${name} ${part}: ${reason}`);
    return reason;
  };

  describe(`conformance ${options.name}`, () => {
    for (const c of cases) {
      const caseParts = parts.filter((part) => part !== "trainingRun");
      if (caseParts.length === 0) continue;
      describe(c.name, () => {
        for (const part of caseParts) {
          it(part, async (ctx) => {
            const runtime = await runtimeFor(ctx);
            const reason = skipFor(c.name, part, options.skip?.(c, part) ?? unsupportedReason(runtime, part));
            if (reason !== undefined) ctx.skip(reason);
            await checkConformanceCase(runtime, c, part, options.tolerances, options.compare);
          });
        }
      });
    }
    if (!parts.includes("trainingRun")) return;
    for (const run of options.runs ?? loadTrainingRunCases()) {
      describe(run.name, () => {
        it("trainingRun", async (ctx) => {
          const runtime = await runtimeFor(ctx);
          const reason = skipFor(run.name, "trainingRun", unsupportedReason(runtime, "trainingRun"));
          if (reason !== undefined) ctx.skip(reason);
          await checkTrainingRun(runtime, run, options.tolerances, options.compare);
        });
      });
    }
  });
}
