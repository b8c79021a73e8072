import {
  type ConformanceSuiteOptions,
  checkGradNormPrecision,
  runConformanceSuite,
  runContractSuite,
} from "@rnnlm/conformance";
import { describe, expect, it } from "vitest";
import { tfjsBackend } from "../src/index.js";

// The shared cases: every cell, 1–2 layers, one-hot/embedding, tied; forward, gradients and
// train steps. Gradients and train steps run at the default float32 tolerances. The forward
// check judges small logits (as the onnx backend does) against max(|b|, 1%·max) with 2e-5:
// XNNPACK's float32 GEMMs sum in their own order, and one rounding of the largest terms
// reads as 1e-5 relative on elements a thousand times smaller than the largest.
// tfjs keeps one global backend: each model re-activates its own device, so the devices
// can share this file.
function suite(device: "wasm" | "cpu" | "cuda" | "cpu-native", extra: Partial<ConformanceSuiteOptions> = {}): void {
  const base = { name: `tfjs:${device}`, runtime: () => tfjsBackend.init(device), ...extra };
  runConformanceSuite({ ...base, parts: ["gradients", "trainStep", "trainingRun"] });
  runConformanceSuite({ ...base, parts: ["forward"], tolerances: { forward: 2e-5 }, compare: { floorFraction: 1e-2 } });
  runContractSuite({ name: base.name, runtime: base.runtime, optional: extra.optional });
}

suite("wasm");
suite("cpu");
// Native builds cannot be installed on CI (their install downloads libtensorflow); where they
// do not load, every case skips with the loader's reason (what to install, which CUDA/cuDNN).
suite("cuda", { optional: true });
suite("cpu-native", { optional: true });

// The clipping norm is read back and summed on the host in float64 (tf.sum in float32 drifts
// by up to 1e-3 over millions of values on WASM): on a 1.5 M parameter model it equals the
// float64 norm of the float32 gradients to float32 rounding.
describe("clipping norm precision", () => {
  for (const device of ["wasm", "cpu"] as const) {
    it(`tfjs:${device}`, async () => {
      const measured = await checkGradNormPrecision(await tfjsBackend.init(device));
      expect(measured.parameters).toBeGreaterThan(1_500_000);
    }, 120_000);
  }
});
