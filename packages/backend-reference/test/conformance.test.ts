import { runConformanceSuite, runContractSuite } from "@rnnlm/conformance";
import { referenceBackend } from "../src/index.js";

// The fixtures were computed by this backend from the same float32 weights, so everything
// float64 must match to rounding. Forward logits and states come back as float32 tensors
// (the Model contract), so they can only match to float32 rounding (2^-24 ≈ 6e-8).
runConformanceSuite({
  name: "reference",
  runtime: () => referenceBackend.init("cpu"),
  tolerances: { forward: 6e-8, loss: 1e-12, gradients: 1e-12, trainStep: 1e-12, trainingRun: 1e-12 },
});

// The contract part: bad input and edge cases answered with core's error classes and codes.
runContractSuite({ name: "reference", runtime: () => referenceBackend.init("cpu") });
