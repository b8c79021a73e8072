import { describe, expect, it } from "vitest";
import * as browserEntry from "../src/browser.js";
import * as nodeEntry from "../src/index.js";

// Graph builders, gate layout and format helpers are implementation: tests reach them by path.
const INTERNALS = [
  "buildTrainGraph",
  "TRAIN_IO",
  "permuteGateBlocks",
  "invertGateOrder",
  "ONNX_GATE_ORDER",
  "isJsonObject",
  "createOnnxBackend",
  "ONNX_DEVICES",
  "ONNX_OPSET",
  "ONNX_IR_VERSION",
  "PACKAGE_VERSION",
  "OnnxModel",
  "OnnxRuntime",
  "OnnxTrainableModel",
];

describe("public entries of @rnnlm/backend-onnx", () => {
  it.each([
    ["node", nodeEntry],
    ["browser", browserEntry],
  ])("the %s entry exports the user API and none of the graph internals", (_, entry) => {
    for (const name of [
      "onnxBackend",
      "loadOnnxModel",
      "exportModel",
      "exportOnnx",
      "readOnnxModel",
      "OnnxFileError",
    ]) {
      expect(entry, name).toHaveProperty(name);
    }
    for (const name of INTERNALS) expect(entry, name).not.toHaveProperty(name);
  });
});
