import { describe, expect, it } from "vitest";
import { scheduleOf, trainingOptionsOf } from "../src/model-spec-of.js";
import { resolveRunConfig } from "../src/run-config.js";
import { UsageError } from "../src/usage-error.js";

describe("scheduleOf", () => {
  it("maps --schedule, --lr-decay and --max-epoch onto core's schedules", () => {
    expect(scheduleOf(resolveRunConfig({}))).toEqual({ type: "constant" });
    expect(scheduleOf(resolveRunConfig({ schedule: "plateau" }))).toEqual({ type: "plateau", factor: 0.25, minLr: 0 });
    expect(scheduleOf(resolveRunConfig({ schedule: "plateau", lrDecay: 0.5 }))).toEqual({
      type: "plateau",
      factor: 0.5,
      minLr: 0,
    });
    expect(scheduleOf(resolveRunConfig({ schedule: "step", maxEpoch: 4 }))).toEqual({
      type: "step",
      maxEpoch: 4,
      decay: 0.5,
    });
    expect(scheduleOf(resolveRunConfig({ schedule: "step", maxEpoch: 6, lrDecay: 0.8 }))).toEqual({
      type: "step",
      maxEpoch: 6,
      decay: 0.8,
    });
  });

  it("names the missing or useless flag", () => {
    expect(() => scheduleOf(resolveRunConfig({ schedule: "step" }))).toThrow(UsageError);
    expect(() => scheduleOf(resolveRunConfig({ schedule: "step" }))).toThrow(/--max-epoch/);
    expect(() => scheduleOf(resolveRunConfig({ schedule: "plateau", lrDecay: 1 }))).toThrow(/--lr-decay 1/);
  });
});

describe("trainingOptionsOf: RMSprop", () => {
  it("passes --alpha to RMSprop and keeps PyTorch's defaults otherwise", () => {
    expect(trainingOptionsOf(resolveRunConfig({ optimizer: "rmsprop", lr: 0.002, alpha: 0.95 })).optimizer).toEqual({
      type: "rmsprop",
      lr: 0.002,
      alpha: 0.95,
      eps: 1e-8,
      weightDecay: 0,
    });
    expect(trainingOptionsOf(resolveRunConfig({ optimizer: "rmsprop", lr: 0.01 })).optimizer).toMatchObject({
      alpha: 0.99,
    });
  });

  it("rejects --alpha with another optimizer", () => {
    expect(() => trainingOptionsOf(resolveRunConfig({ optimizer: "adam", alpha: 0.9 }))).toThrow(
      /--alpha 0\.9 is RMSprop/,
    );
  });
});
