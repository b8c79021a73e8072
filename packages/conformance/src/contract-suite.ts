import type { BackendRuntime } from "@rnnlm/core";
import { describe, it } from "vitest";
import { runtimeFailure } from "./conformance-suite.js";
import { CONTRACT_CASES, type ContractCase, checkContractCase } from "./contract-cases.js";

export interface ContractSuiteOptions {
  /** Shown in test names, e.g. "tfjs:wasm". */
  readonly name: string;
  /** Loads the runtime once; when it throws, every case skips with the reason (see `optional`). */
  readonly runtime: () => BackendRuntime | Promise<BackendRuntime>;
  /** As in `runConformanceSuite`: with `RNNLM_REQUIRE_TOOLS=1` a failed load fails unless optional. */
  readonly optional?: boolean;
  /** Cases to run (default {@link CONTRACT_CASES}). */
  readonly cases?: readonly ContractCase[];
}

/**
 * The contract part of the conformance suite: registers `contract <name>` › `<case>` for every
 * contract case (bad ids, bad states, `steps = 0`, foreign or partial optimizer states, bad
 * learning rates, use after dispose). Cases that need training skip on an inference-only runtime.
 */
export function runContractSuite(options: ContractSuiteOptions): void {
  let loaded: Promise<{ runtime: BackendRuntime } | { error: string }> | undefined;
  const load = () => {
    loaded ??= (async () => {
      try {
        return { runtime: await options.runtime() };
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
    })();
    return loaded;
  };
  describe(`contract ${options.name}`, () => {
    for (const c of options.cases ?? CONTRACT_CASES) {
      it(c.name, async (ctx) => {
        const outcome = await load();
        if ("error" in outcome) {
          const failure = runtimeFailure(options.name, outcome.error, options.optional === true);
          if ("fail" in failure) throw failure.fail;
          return ctx.skip(failure.skip);
        }
        const { runtime } = outcome;
        if (c.needs === "train" && (!runtime.capabilities.includes("train") || !runtime.createTrainableModel)) {
          return ctx.skip(`${runtime.id} cannot train`);
        }
        await checkContractCase(runtime, c);
      });
    }
  });
}
