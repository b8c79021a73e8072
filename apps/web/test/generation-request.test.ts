import { SpecError } from "@rnnlm/core";
import { describe, expect, it } from "vitest";
import { type GenerationFields, parseGenerationRequest } from "../src/generation-request.js";

const fields: GenerationFields = {
  prefix: "time traveller",
  length: "200",
  greedy: false,
  temperature: "0.8",
  topK: "5",
  topP: "0.9",
  seed: "42",
};

describe("parseGenerationRequest", () => {
  it("reads the sampling controls", () => {
    expect(parseGenerationRequest(fields)).toEqual({
      prefix: "time traveller",
      length: 200,
      sampling: { greedy: false, temperature: 0.8, topK: 5, topP: 0.9, seed: 42 },
    });
  });

  it("ignores the sampling controls when greedy", () => {
    const request = parseGenerationRequest({ ...fields, greedy: true, temperature: "" });
    expect(request.sampling).toEqual({ greedy: true });
  });

  it("leaves the seed out when the box is empty (random seed)", () => {
    expect(parseGenerationRequest({ ...fields, seed: " " }).sampling.seed).toBeUndefined();
  });

  it.each([
    [{ prefix: "  " }, /prefix is empty/],
    [{ length: "0" }, /length must be a whole number from 1 to 50000/],
    [{ length: "2.5" }, /length must be a whole number/],
    [{ length: "abc" }, /length must be a number/],
    [{ temperature: "0" }, /temperature must be a positive number/],
    [{ topK: "-1" }, /topK must be a non-negative integer/],
    [{ topP: "1.5" }, /topP must be in \(0, 1\]/],
    [{ seed: "1.5" }, /seed must be a whole number/],
  ])("names the bad field: %o", (override, message) => {
    expect(() => parseGenerationRequest({ ...fields, ...override })).toThrow(SpecError);
    expect(() => parseGenerationRequest({ ...fields, ...override })).toThrow(message);
  });
});
