import { describe, expect, it } from "vitest";
import { meanCrossEntropy } from "../src/backend.js";
import {
  type CheckpointReason,
  evaluatePerplexity,
  type Model,
  NonFiniteLossError,
  parseLrSchedule,
  type StepLrSchedule,
  type TrainerState,
  trainLoop,
} from "../src/index.js";
import { nextLearningRate, stepLearningRate } from "../src/optimizer.js";
import { BigramModel } from "./bigram-model.js";
import { patternSource } from "./sources.js";

const pattern = [0, 1, 2, 3, 1, 0, 2, 3, 3, 1];

describe("trainLoop", () => {
  it("lowers the training perplexity every epoch", async () => {
    const model = new BigramModel(4, 0.5);
    const train = patternSource({ pattern, batch: 2, steps: 5, count: 4, carriesState: false });
    const { history } = await trainLoop({ model, train, epochs: 5 });
    expect(history).toHaveLength(5);
    for (let i = 1; i < history.length; i++) {
      expect(history[i].trainPerplexity).toBeLessThan(history[i - 1].trainPerplexity);
    }
    // An untrained model is uniform: perplexity 4 at the first step.
    expect(history[0].trainPerplexity).toBeLessThan(4);
    expect(history[0].trainPerplexity).toBeGreaterThan(history[4].trainPerplexity);
  });

  it("resets the state every batch for random sampling and carries it for sequential", async () => {
    const random = new BigramModel(4);
    await trainLoop({
      model: random,
      train: patternSource({ pattern, batch: 2, steps: 5, count: 3, carriesState: false }),
      epochs: 2,
    });
    expect(random.seenStates).toEqual([0, 0, 0, 0, 0, 0]);
    const sequential = new BigramModel(4);
    await trainLoop({
      model: sequential,
      train: patternSource({ pattern, batch: 2, steps: 5, count: 3, carriesState: true }),
      epochs: 2,
    });
    // Each row has seen 5 more tokens per batch; the state is reset when an epoch starts.
    expect(sequential.seenStates).toEqual([0, 5, 10, 0, 5, 10]);
  });

  it("computes perplexity as exp(total loss / total tokens)", async () => {
    const model = new BigramModel(4);
    const source = patternSource({ pattern, batch: 3, steps: 2, count: 2, carriesState: true });
    // All-zero logits: every token has probability 1/4.
    expect(await evaluatePerplexity(model, source)).toBeCloseTo(4, 12);
  });

  it("announces each evaluation pass's window count to a model that takes the hint", async () => {
    const model = new BigramModel(4);
    const announced: number[] = [];
    let evaluations = 0;
    const evaluate = model.evaluate.bind(model);
    const hinted = Object.assign(model, {
      expectEvaluations: (windows: number) => {
        announced.push(windows);
        evaluations = 0;
      },
      evaluate: (...args: Parameters<typeof evaluate>) => {
        evaluations += 1;
        return evaluate(...args);
      },
    });
    const source = patternSource({ pattern, batch: 2, steps: 2, count: 5, carriesState: true });
    await evaluatePerplexity(hinted, source);
    expect(announced).toEqual([5]);
    expect(evaluations).toBe(5);
  });

  it("resumes an interrupted run exactly where it stopped", async () => {
    const make = () => patternSource({ pattern, batch: 2, steps: 5, count: 6, carriesState: true });
    const full = new BigramModel(4, 0.3);
    const uninterrupted = await trainLoop({ model: full, train: make(), epochs: 3 });

    const first = new BigramModel(4, 0.3);
    const controller = new AbortController();
    let saved: TrainerState | null = null;
    const reasons: CheckpointReason[] = [];
    const stopped = await trainLoop({
      model: first,
      train: make(),
      epochs: 3,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "step" && e.epoch === 2 && e.batch === 4) controller.abort();
      },
      onCheckpoint: async (reason, state) => {
        reasons.push(reason);
        saved = state;
      },
    });
    expect(stopped.interrupted).toBe(true);
    expect(reasons).toEqual(["epoch", "interrupted"]);
    expect(saved!.epoch).toBe(1);
    expect(saved!.partialEpoch?.batchesDone).toBe(4);

    const second = new BigramModel(4, 0.3);
    await second.setWeights(await first.getWeights());
    const resumed = await trainLoop({ model: second, train: make(), epochs: 3, resume: saved! });
    expect(Array.from(second.table)).toEqual(Array.from(full.table));
    expect(second.getRandomState()).toEqual(full.getRandomState());
    expect(resumed.history.map((r) => r.trainLoss)).toEqual(uninterrupted.history.map((r) => r.trainLoss));
    expect(second.seenStates).toEqual(full.seenStates.slice(first.seenStates.length));
  });

  it("stops with a clear error on a non-finite loss and writes no checkpoint after it", async () => {
    const model = new BigramModel(4);
    const train = patternSource({ pattern, batch: 2, steps: 5, count: 3, carriesState: false });
    const reasons: CheckpointReason[] = [];
    let steps = 0;
    const run = trainLoop({
      model,
      train,
      epochs: 3,
      onEvent: (e) => {
        if (e.type === "step" && ++steps === 4) model.table.fill(Number.NaN);
      },
      onCheckpoint: async (reason) => {
        reasons.push(reason);
      },
    });
    await expect(run).rejects.toBeInstanceOf(NonFiniteLossError);
    await expect(run).rejects.toThrow(/lower the learning rate/);
    expect(reasons).toEqual(["epoch"]);
  });

  it("divides the learning rate by 4 when validation does not improve", async () => {
    expect(nextLearningRate({ type: "plateau", factor: 0.25, minLr: 0 }, 20, false, 1, 20)).toBe(5);
    expect(nextLearningRate({ type: "plateau", factor: 0.25, minLr: 0 }, 20, true, 1, 20)).toBe(20);
    expect(nextLearningRate({ type: "plateau", factor: 0.25, minLr: 0 }, 20, null, 1, 20)).toBe(20);
    expect(nextLearningRate({ type: "constant" }, 20, false, 1, 20)).toBe(20);
    const model = new BigramModel(4, 4);
    // Validation follows a different pattern, so it stops improving while training overfits.
    const valid = patternSource({ pattern: [3, 2, 1, 0], batch: 2, steps: 5, count: 2, carriesState: true });
    const { history } = await trainLoop({
      model,
      train: patternSource({ pattern, batch: 2, steps: 5, count: 4, carriesState: true }),
      valid,
      epochs: 4,
      schedule: { type: "plateau", factor: 0.25, minLr: 0 },
    });
    let best = Number.POSITIVE_INFINITY;
    let divided = 0;
    for (let i = 0; i < history.length - 1; i++) {
      const improved = history[i].validPerplexity! < best;
      best = Math.min(best, history[i].validPerplexity!);
      expect(history[i + 1].learningRate).toBe(improved ? history[i].learningRate : history[i].learningRate / 4);
      if (!improved) divided++;
    }
    expect(divided).toBeGreaterThan(0);
  });
});

describe("learning-rate schedules", () => {
  // Literals from Python: [lr * lr_decay ** max(i + 1 - max_epoch, 0) for i in range(n)]
  // (the TensorFlow PTB model's rule).
  const ZAREMBA_SMALL = [20, 20, 20, 20, 10, 5, 2.5, 1.25, 0.625, 0.3125, 0.15625, 0.078125, 0.0390625];
  const ZAREMBA_MEDIUM_12 = [
    35, 35, 35, 35, 35, 35, 28, 22.400000000000006, 17.920000000000005, 14.336000000000002, 11.468800000000003,
    9.175040000000003,
  ];
  // char-rnn (train.lua): after 1-based epoch k ≥ learning_rate_decay_after, lr *= learning_rate_decay.
  const CHAR_RNN_14 = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0.97, 0.9409, 0.912673, 0.8852928099999999];

  it("step: keeps the lr for maxEpoch epochs, then multiplies it by decay every epoch", () => {
    const small: StepLrSchedule = { type: "step", maxEpoch: 4, decay: 0.5 };
    expect(ZAREMBA_SMALL.map((_, i) => stepLearningRate(small, 20, i))).toEqual(ZAREMBA_SMALL);
    const medium: StepLrSchedule = { type: "step", maxEpoch: 6, decay: 0.8 };
    expect(ZAREMBA_MEDIUM_12.map((_, i) => stepLearningRate(medium, 35, i))).toEqual(ZAREMBA_MEDIUM_12);
    const charRnn: StepLrSchedule = { type: "step", maxEpoch: 10, decay: 0.97 };
    expect(CHAR_RNN_14.map((_, i) => stepLearningRate(charRnn, 1, i))).toEqual(CHAR_RNN_14);
    // Validation does not matter to the step rule.
    expect(nextLearningRate(small, 20, true, 4, 20)).toBe(10);
    expect(nextLearningRate(small, 10, false, 5, 20)).toBe(5);
  });

  it("rejects a step schedule without a positive maxEpoch or with a decay outside (0, 1]", () => {
    expect(() => parseLrSchedule({ type: "step", maxEpoch: 0, decay: 0.5 })).toThrow(/maxEpoch/);
    expect(() => parseLrSchedule({ type: "step", maxEpoch: 4, decay: 1.5 })).toThrow(/decay/);
    expect(() => parseLrSchedule({ type: "plateau", factor: 1 })).toThrow(/factor/);
  });

  it("the training loop runs each epoch at the step schedule's lr, without validation data too", async () => {
    const model = new BigramModel(4, 20);
    const { history, state } = await trainLoop({
      model,
      train: patternSource({ pattern, batch: 2, steps: 5, count: 2, carriesState: true }),
      epochs: 7,
      schedule: { type: "step", maxEpoch: 4, decay: 0.5 },
    });
    expect(history.map((r) => r.learningRate)).toEqual(ZAREMBA_SMALL.slice(0, 7));
    expect(state.learningRate).toBe(ZAREMBA_SMALL[7]);
  });

  it.each([
    ["step", { type: "step", maxEpoch: 2, decay: 0.8 }],
    ["plateau", { type: "plateau", factor: 0.25, minLr: 0 }],
  ] as const)("a resumed %s run gets the same lr sequence as an uninterrupted one", async (_, schedule) => {
    const make = () => patternSource({ pattern, batch: 2, steps: 5, count: 4, carriesState: true });
    const valid = () => patternSource({ pattern: [3, 2, 1, 0], batch: 2, steps: 5, count: 2, carriesState: true });
    const full = await trainLoop({ model: new BigramModel(4, 7), train: make(), valid: valid(), epochs: 6, schedule });

    // Stop mid-epoch 2, resume, stop at the end of epoch 4, resume to the end.
    let model = new BigramModel(4, 7);
    let saved: TrainerState | null = null;
    for (const stopAt of [{ epoch: 2, batch: 3 }, { epoch: 4, batch: 4 }, null]) {
      const controller = new AbortController();
      const run = await trainLoop({
        model,
        train: make(),
        valid: valid(),
        epochs: 6,
        schedule,
        signal: controller.signal,
        ...(saved ? { resume: saved } : {}),
        onEvent: (e) => {
          if (stopAt && e.type === "step" && e.epoch === stopAt.epoch && e.batch === stopAt.batch) controller.abort();
        },
      });
      saved = run.state;
      const next = new BigramModel(4, 7);
      await next.setWeights(await model.getWeights());
      model = next;
      if (stopAt === null) {
        expect(run.history.map((r) => r.learningRate)).toEqual(full.history.map((r) => r.learningRate));
        expect(run.state.learningRate).toBe(full.state.learningRate);
      }
    }
    if (schedule.type === "step")
      expect(full.history.map((r) => r.learningRate)).toEqual([
        7, 7, 5.6000000000000005, 4.48, 3.584000000000001, 2.8672000000000004,
      ]);
  });
});

describe("evaluatePerplexity on an inference-only model", () => {
  it("computes the loss on the host from the logits and agrees with the model's own evaluate", async () => {
    const trained = new BigramModel(4, 0.5);
    const train = patternSource({ pattern, batch: 2, steps: 5, count: 4, carriesState: true });
    await trainLoop({ model: trained, train, epochs: 2 });
    const { forward, beginState, spec } = trained;
    const inferenceOnly: Model = {
      spec,
      backendId: "test:inference",
      beginState: beginState.bind(trained),
      forward: forward.bind(trained),
      getWeights: () => trained.getWeights(),
      setWeights: (w) => trained.setWeights(w),
      dispose: () => {},
    };
    const viaEvaluate = await evaluatePerplexity(trained, train);
    const viaForward = await evaluatePerplexity(inferenceOnly, train);
    expect(viaForward).toBeCloseTo(viaEvaluate, 5);
    expect(viaForward).toBeLessThan(4);
  });

  it("meanCrossEntropy matches a hand computation", () => {
    // Row 0: logits (0, ln 3) → p(target 1) = 3/4; row 1: uniform → p = 1/2.
    expect(meanCrossEntropy([0, Math.log(3), 0, 0], [1, 0], 2)).toBeCloseTo((-Math.log(0.75) - Math.log(0.5)) / 2, 12);
  });
});
