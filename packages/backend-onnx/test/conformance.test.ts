import { checkGradNormPrecision, runConformanceSuite, runContractSuite } from "@rnnlm/conformance";
import { describe, expect, it } from "vitest";
import { onnxBackend } from "../src/index.js";

// The shared cases (every cell, 1–2 layers, one-hot/embedding, tied/untied; SGD, momentum,
// Adam, clipping) on both devices that train: forward, gradients and training steps.
//
// Forward tolerance: ORT computes in float32 with MLAS GEMMs (their own summation order). The
// fixtures' logits span ~3 orders of magnitude, and under the default metric an element 1000×
// smaller than the tensor's largest is judged against 1e-3·max, where one float32 rounding of the
// largest terms (≈1e-7·max) already reads as 1e-4. Elements are judged here against
// max(|b|, 1%·max) with 2e-5: an absolute error of at most 2e-7·max (about 3 ulp of the largest
// value) on small elements, and 2e-5 relative on the others.
//
// Gradients and training steps run at core's float32 defaults (1e-4 on gradients and updated
// weights, 1e-5 on losses, floor 10% of each tensor's largest element), as tfjs does: the
// training graphs are plain float32 ops (Gemm, Sigmoid, Tanh, …), no fused recurrent kernels.
//
// Training runs (K steps, state carried) at the float32 defaults, on onnx:cpu at 1 and 2
// intra-op threads: the training graphs are deterministic at any thread count (gradients by id
// are a product and a scatter that writes each row once, not a racing ScatterND "add").
for (const device of ["cpu", "wasm"] as const) {
  const runtime = () => onnxBackend.init(device, { threads: 1 });
  runConformanceSuite({
    name: `onnx:${device}`,
    runtime,
    parts: ["forward"],
    tolerances: { forward: 2e-5 },
    compare: { floorFraction: 1e-2 },
  });
  runConformanceSuite({ name: `onnx:${device}`, runtime, parts: ["gradients", "trainStep", "trainingRun"] });
  // The contract part: bad input and edge cases answered with core's error classes and codes.
  runContractSuite({ name: `onnx:${device}`, runtime });
}
runConformanceSuite({
  name: "onnx:cpu (2 threads)",
  runtime: () => onnxBackend.init("cpu", { threads: 2 }),
  parts: ["gradients", "trainStep", "trainingRun"],
});

// The clipping norm is summed in float64 (ReduceSumSquare on a cast to double): on a 1.5 M
// parameter model it equals the float64 norm of the float32 gradients to float32 rounding.
describe("clipping norm precision", () => {
  for (const [device, threads] of [
    ["cpu", 1],
    ["cpu", 2],
    ["wasm", 1],
  ] as const) {
    it(`onnx:${device} at ${threads} thread(s)`, async () => {
      const measured = await checkGradNormPrecision(await onnxBackend.init(device, { threads }));
      expect(measured.parameters).toBeGreaterThan(1_500_000);
    }, 60_000);
  }
});
