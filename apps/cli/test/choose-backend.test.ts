import { describe, expect, it } from "vitest";
import { backendHints, threadsOf } from "../src/choose-backend.js";

describe("backendHints: flag > config > RNNLM_BACKEND > auto", () => {
  const env = { RNNLM_BACKEND: "onnx:wasm" };
  it("takes the flag first", () => {
    expect(backendHints({ flag: "tfjs:cpu", config: "reference", env })).toEqual(["tfjs:cpu"]);
  });
  it("then the config", () => {
    expect(backendHints({ flag: null, config: "reference", env })).toEqual(["reference"]);
  });
  it("then the environment, split on commas", () => {
    expect(backendHints({ env: { RNNLM_BACKEND: " tfjs:wasm , onnx:cpu " } })).toEqual(["tfjs:wasm", "onnx:cpu"]);
  });
  it("then auto", () => {
    expect(backendHints({ env: {} })).toEqual(["auto"]);
  });
  it("appends --device to hints without one, and turns auto into every backend on that device", () => {
    expect(backendHints({ flag: "tfjs,onnx:cpu,auto", device: "wasm", env: {} })).toEqual([
      "tfjs:wasm",
      "onnx:cpu",
      "onnx:wasm",
      "reference:wasm",
    ]);
    expect(backendHints({ device: "wasm", env: {} })).toEqual(["tfjs:wasm", "onnx:wasm", "reference:wasm"]);
  });

  it("refuses hints that name no backend", () => {
    expect(() => backendHints({ flag: ",,,", env: {} })).toThrow(/names no backend/);
  });
});

describe("threadsOf: --threads / config > RNNLM_THREADS > the device's default", () => {
  it("takes the flag or config value first", () => {
    expect(threadsOf(3, { RNNLM_THREADS: "2" })).toBe(3);
  });
  it("then the environment; auto or nothing leaves the device's default", () => {
    expect(threadsOf(null, { RNNLM_THREADS: " 2 " })).toBe(2);
    expect(threadsOf(undefined, { RNNLM_THREADS: "auto" })).toBeUndefined();
    expect(threadsOf(null, {})).toBeUndefined();
  });
  it("refuses a bad RNNLM_THREADS with the allowed range", () => {
    for (const value of ["0", "two", "1.5", "2000"]) {
      expect(() => threadsOf(null, { RNNLM_THREADS: value })).toThrow(
        /RNNLM_THREADS must be an integer from 1 to 1024/,
      );
    }
  });
});
