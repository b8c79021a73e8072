import { describe, expect, it } from "vitest";
import {
  CONFORMANCE_PARTS,
  checkConformanceCase,
  loadConformanceCases,
  loadTrainingRunCases,
  runConformanceSuite,
  runtimeFailure,
} from "../src/index.js";
import { replayRuntime } from "./replay-runtime.js";

const cases = loadConformanceCases();

describe("loadConformanceCases", () => {
  it("reads every committed case with consistent shapes", () => {
    expect(cases.length).toBeGreaterThanOrEqual(24);
    for (const c of cases) {
      const rows = c.batch.steps * c.batch.batch;
      expect(c.expected.logits.length).toBe(rows * c.spec.vocabSize);
      expect(c.expected.hn.length).toBe(c.spec.numLayers * c.batch.batch * c.spec.hiddenSize);
      expect(c.state.h.length).toBe(c.expected.hn.length);
      expect(c.expected.trainSteps.length).toBe(c.trainSteps);
      if (c.training.clip !== null) expect(c.expected.trainSteps[0].gradNorm).toBeGreaterThan(c.training.clip);
    }
  });
});

describe("checkConformanceCase", () => {
  const c = cases.find((x) => x.name === "lstm-l2-tied") ?? cases[0];

  it("passes a runtime that returns the expected values (rounded to float32)", async () => {
    for (const part of CONFORMANCE_PARTS) await checkConformanceCase(replayRuntime(c), c, part);
  });

  it("fails, naming the tensor and worst element, when one value is off by 1e-3", async () => {
    const off = (what: string) => replayRuntime(c, { what, index: 3, factor: 1.001 });
    await expect(checkConformanceCase(off("logits"), c, "forward")).rejects.toThrow(
      /logits: .* worst element \[0, 3\]/,
    );
    await expect(checkConformanceCase(off("cn"), c, "forward")).rejects.toThrow(/state c: /);
    await expect(checkConformanceCase(off("grad.rnn.weight_hh_l1"), c, "gradients")).rejects.toThrow(
      /grad rnn.weight_hh_l1/,
    );
    await expect(checkConformanceCase(off("updated.decoder.weight"), c, "trainStep")).rejects.toThrow(
      /updated decoder.weight/,
    );
    await expect(checkConformanceCase(off("loss"), c, "trainStep")).rejects.toThrow(/trainStep 1 loss/);
  });
});

describe("runtimeFailure", () => {
  it("skips with the reason, or fails under RNNLM_REQUIRE_TOOLS=1 unless the device is optional", () => {
    expect(runtimeFailure("tfjs:wasm", "no wasm", false, {})).toEqual({
      skip: "runtime tfjs:wasm failed to load: no wasm",
    });
    const strict = runtimeFailure("tfjs:wasm", "no wasm", false, { RNNLM_REQUIRE_TOOLS: "1" });
    expect("fail" in strict && strict.fail.message).toMatch(/RNNLM_REQUIRE_TOOLS=1 makes this a failure/);
    expect(runtimeFailure("onnx:cuda", "no GPU", true, { RNNLM_REQUIRE_TOOLS: "1" })).toHaveProperty("skip");
  });
});

// The suite itself, run against the replaying runtime on one case: every test must pass.
runConformanceSuite({ name: "replay", runtime: () => replayRuntime(cases[0]), cases: cases.slice(0, 1), runs: [] });
// A runtime that fails to load: every test skips with the reason (optional, so this holds
// under RNNLM_REQUIRE_TOOLS=1 too).
runConformanceSuite({
  name: "missing",
  optional: true,
  runtime: () => {
    throw new Error("not installed here");
  },
  cases: cases.slice(0, 1),
  runs: loadTrainingRunCases().slice(0, 1),
});
