import { describe, expect, it } from "vitest";
import { checkFiniteStep } from "../src/backend.js";
import {
  type CheckpointReason,
  NonFiniteLossError,
  type RecurrentState,
  type TimeMajorBatch,
  type TrainStepResult,
  trainLoop,
} from "../src/index.js";
import { BigramModel } from "./bigram-model.js";
import { patternSource } from "./sources.js";

describe("checkFiniteStep", () => {
  it("passes a finite step and refuses a NaN or infinite loss or gradient norm with ERR_NON_FINITE_LOSS", () => {
    expect(() => checkFiniteStep(1.5, 0.2)).not.toThrow();
    for (const [loss, norm] of [
      [Number.NaN, 1],
      [Number.POSITIVE_INFINITY, 1],
      [1, Number.NaN],
      [1, Number.POSITIVE_INFINITY],
    ]) {
      expect(() => checkFiniteStep(loss, norm)).toThrow(NonFiniteLossError);
      expect(() => checkFiniteStep(loss, norm)).toThrow(/nothing was updated/);
    }
    try {
      checkFiniteStep(Number.NaN, 1);
    } catch (error) {
      expect((error as NonFiniteLossError).code).toBe("ERR_NON_FINITE_LOSS");
    }
  });
});

/** A bigram model whose step follows the rule: it checks before it updates. */
class CheckingBigram extends BigramModel {
  override async trainStep(batch: TimeMajorBatch, state: RecurrentState): Promise<TrainStepResult> {
    const { loss, grads } = await this.gradients(batch, state);
    const g = grads.table.data;
    checkFiniteStep(loss, Math.hypot(...g));
    return super.trainStep(batch, state);
  }
}

describe("trainLoop and a step that refuses a non-finite loss", () => {
  it("rethrows NonFiniteLossError saying where, leaves the model unchanged and writes no checkpoint after it", async () => {
    const model = new CheckingBigram(4);
    const pattern = [0, 1, 2, 3, 1, 0, 2, 3, 3, 1];
    const train = patternSource({ pattern, batch: 2, steps: 5, count: 3, carriesState: false });
    const reasons: CheckpointReason[] = [];
    let steps = 0;
    let poisoned: Float64Array | null = null;
    const run = trainLoop({
      model,
      train,
      epochs: 3,
      onEvent: (e) => {
        if (e.type === "step" && ++steps === 4) {
          model.table[0] = Number.NaN;
          poisoned = model.table.slice();
        }
      },
      onCheckpoint: async (reason) => {
        reasons.push(reason);
      },
    });
    await expect(run).rejects.toBeInstanceOf(NonFiniteLossError);
    await expect(run).rejects.toThrow(/^epoch 2, batch 2: the training step's loss is NaN .*nothing was updated/);
    expect(reasons).toEqual(["epoch"]);
    expect(model.table).toEqual(poisoned);
  });
});
