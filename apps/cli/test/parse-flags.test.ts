import { describe, expect, it } from "vitest";
import { CONFIG_FLAGS } from "../src/config-keys.js";
import type { FlagDef } from "../src/flag-def.js";
import { configLayerFromFlags } from "../src/flag-layer.js";
import { parseFlags } from "../src/parse-flags.js";
import { resolveRunConfig } from "../src/run-config.js";
import { UsageError } from "../src/usage-error.js";

const parse = (...argv: string[]) => configLayerFromFlags(parseFlags("train", argv, CONFIG_FLAGS), "train");

describe("training flags", () => {
  it("converts each flag to its config key and type", () => {
    expect(parse("--batch-size", "20", "--lr", "0.5", "--tied", "--model", "LSTM", "--max-tokens", "all")).toEqual({
      batchSize: 20,
      lr: 0.5,
      tied: true,
      model: "lstm",
      maxTokens: null,
    });
  });

  it("accepts the d2l and PyTorch spellings", () => {
    expect(parse("--num-steps", "35", "--cell", "rnn", "--no-tied")).toEqual({
      bptt: 35,
      model: "rnn_tanh",
      tied: false,
    });
  });

  it("rejects unknown flags, wrong types and out-of-range values with a UsageError", () => {
    expect(() => parse("--hidden", "3")).toThrow(UsageError);
    expect(() => parse("--nhid", "1.5")).toThrow(/--nhid expects an integer/);
    expect(() => parse("--lr", "fast")).toThrow(/--lr expects a number/);
    expect(() => parse("--nhid", "0")).toThrow(/--nhid 0 is out of range: it takes an integer ≥ 1/);
    expect(() => parse("--sampling", "shuffled")).toThrow(/--sampling must be one of random, sequential, bptt/);
    expect(() => parse("stray")).toThrow(/unexpected argument "stray"/);
    expect(() => parse("--tied=yes")).toThrow(/--tied takes no value/);
  });

  it("reads a negative number as the value of a numeric flag, so the error names the range", () => {
    expect(() => parse("--nhid", "-5")).toThrow(/--nhid -5 is out of range: it takes an integer ≥ 1/);
    expect(() => parse("--dropout", "-.5")).toThrow(/--dropout -0.5 is out of range: it takes a number in \[0, 1\)/);
    // A flag after a numeric flag is still a flag.
    expect(() => parse("--nhid", "--lr", "1")).toThrow(/--nhid needs a value/);
  });

  it("flags override the file, which overrides the defaults", () => {
    const config = resolveRunConfig({ nhid: 100, lr: 2 }, parse("--lr", "3"));
    expect(config.nhid).toBe(100);
    expect(config.lr).toBe(3);
    expect(config.batchSize).toBe(32);
  });
});

describe("negative numbers as values", () => {
  it("are read as the value of a numeric flag, not as a flag", () => {
    const defs: FlagDef[] = [{ flag: "valid-fraction", type: "number", help: "" }];
    expect(parseFlags("train", ["--valid-fraction", "-0.2"], defs)).toEqual({ "valid-fraction": -0.2 });
  });
});
