import { listBackends } from "@rnnlm/core";
import { expect, it } from "vitest";
import { registerInstalledBackends } from "../src/index.js";

// Own test file: the registry is per process, and this one must start empty.
it("imports only the named backend packages, then the rest when asked for all", async () => {
  expect(listBackends()).toEqual([]);
  expect(await registerInstalledBackends(["reference"])).toEqual([]);
  expect(listBackends().map((b) => b.name)).toEqual(["reference"]);
  expect(await registerInstalledBackends(["onnx", "reference"])).toEqual([]);
  expect(listBackends().map((b) => b.name)).toEqual(["reference", "onnx"]);
  expect(await registerInstalledBackends()).toEqual([]);
  expect(
    listBackends()
      .map((b) => b.name)
      .sort(),
  ).toEqual(["onnx", "reference", "tfjs"]);
});
