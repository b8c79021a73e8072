import { type ModelSpec, parseModelSpec, parseTrainingOptions, type TimeMajorBatch } from "@rnnlm/core";
import { describe, expect, it } from "vitest";
import { referenceBackend } from "../src/index.js";

describe("a tiny training run", () => {
  it("learns a repeating sequence: loss falls from ~ln V to near 0", async () => {
    // Sequence 0 1 2 3 4 0 1 2 …: every next token is determined by the current one.
    const spec: ModelSpec = parseModelSpec({ cell: "rnn_tanh", vocabSize: 5, hiddenSize: 8 });
    const runtime = await referenceBackend.init("cpu");
    const model = await runtime.createTrainableModel?.(spec, {
      seed: 1,
      training: parseTrainingOptions({ optimizer: { type: "sgd", lr: 1 }, clip: 1 }),
    });
    if (model === undefined) throw new Error("the reference runtime must train");
    const steps = 6;
    const rows = 4;
    const x = new Int32Array(steps * rows);
    const y = new Int32Array(steps * rows);
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < rows; b++) {
        x[t * rows + b] = (t + b) % 5;
        y[t * rows + b] = (t + b + 1) % 5;
      }
    }
    const batch: TimeMajorBatch = { x, y, steps, batch: rows };
    const losses: number[] = [];
    for (let i = 0; i < 60; i++) losses.push((await model.trainStep(batch, model.beginState(rows))).loss);
    expect(losses[0]).toBeGreaterThan(1);
    expect(losses[59]).toBeLessThan(0.1);
    // Falling on the whole: every block of 10 steps ends lower than the one before.
    for (let i = 19; i < 60; i += 10) expect(losses[i]).toBeLessThan(losses[i - 10]);
    const { loss } = await model.evaluate(batch, model.beginState(rows));
    expect(loss).toBeLessThan(0.1);
  });
});
