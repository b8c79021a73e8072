import { describe, expect, it } from "vitest";
import { findConfigFile, readConfigFile } from "../src/config-file.js";
import { formatConfig } from "../src/format-config.js";
import { effectiveOptimization, modelSpecOf, scheduleOf, trainingOptionsOf } from "../src/model-spec-of.js";
import { resolveRunConfig } from "../src/run-config.js";

async function preset(name: string) {
  const { description: _, $schema: __, ...keys } = await readConfigFile(await findConfigFile(name));
  return resolveRunConfig(keys);
}

// The sources' numbers converted to our mean per-token loss by hand (SPEC §2): TensorFlow's PTB
// model sums the batch-mean loss over T steps (lr·T, clip/T); gluon sums over T·B tokens, clips
// at clip·T·B and steps with trainer.step(B) (lr·T, clip as is); PyTorch takes the mean.
const EXPECTED = {
  "zaremba-small": {
    lr: 20,
    clip: 0.25,
    spec: {
      cell: "lstm",
      hiddenSize: 200,
      numLayers: 2,
      embeddingSize: 200,
      tied: false,
      init: "uniform",
      initScale: 0.1,
    },
    dropout: 0,
    bptt: 20,
    batchSize: 20,
    epochs: 13,
    schedule: { type: "step", maxEpoch: 4, decay: 0.5 },
    note: /--lr +1 +→ effective lr 20 = source lr 1 × bptt 20 \(the source sums/,
  },
  "zaremba-medium": {
    lr: 35,
    clip: 5 / 35,
    spec: {
      cell: "lstm",
      hiddenSize: 650,
      numLayers: 2,
      embeddingSize: 650,
      tied: false,
      init: "uniform",
      initScale: 0.05,
    },
    dropout: 0.5,
    bptt: 35,
    batchSize: 20,
    epochs: 39,
    schedule: { type: "step", maxEpoch: 6, decay: 0.8 },
    note: /--clip +5 +→ effective clip 0\.142857\d* = source clip 5 ÷ bptt 35/,
  },
  "gluon-ptb": {
    lr: 5,
    clip: 0.2,
    spec: { cell: "rnn_relu", hiddenSize: 100, numLayers: 2, embeddingSize: 100, tied: true, init: "gluon" },
    dropout: 0.2,
    bptt: 5,
    batchSize: 32,
    epochs: 1,
    schedule: { type: "plateau", factor: 0.25, minLr: 0 },
    note: /--lr +1 +→ effective lr 5 = source lr 1 × bptt 5 \(gluon sums/,
  },
  "pytorch-wikitext2": {
    lr: 20,
    clip: 0.25,
    spec: { cell: "lstm", hiddenSize: 200, numLayers: 2, embeddingSize: 200, tied: false, init: "word-lm" },
    dropout: 0.2,
    bptt: 35,
    batchSize: 20,
    epochs: 40,
    schedule: { type: "plateau", factor: 0.25, minLr: 0 },
    note: /--lr +20\n/,
  },
} as const;

describe("word-level presets resolve to their sources' effective values", () => {
  it.each(Object.entries(EXPECTED))("%s", async (name, expected) => {
    const config = await preset(name);
    const effective = effectiveOptimization(config);
    expect(effective.lr).toBe(expected.lr);
    expect(effective.clip).toBeCloseTo(expected.clip, 15);
    const training = trainingOptionsOf(config);
    expect(training.optimizer).toEqual({ type: "sgd", lr: expected.lr, momentum: 0, weightDecay: 0 });
    expect(training.clip).toBeCloseTo(expected.clip, 15);
    const spec = modelSpecOf(config, 10000);
    expect(spec).toMatchObject(expected.spec);
    if (!("initScale" in expected.spec)) expect(spec.initScale).toBeUndefined();
    const p = expected.dropout;
    expect(spec.dropout).toEqual({ input: p, between: p, output: p });
    expect([config.bptt, config.batchSize, config.epochs, config.level, config.batchOrder]).toEqual([
      expected.bptt,
      expected.batchSize,
      expected.epochs,
      "word",
      "bptt",
    ]);
    expect(scheduleOf(config)).toEqual(expected.schedule);
    expect(formatConfig(config)).toMatch(expected.note);
  });

  it("a flag overriding bptt moves the effective values with it (sum-steps)", async () => {
    const config = resolveRunConfig(await preset("zaremba-small"), { bptt: 35 });
    expect(effectiveOptimization(config)).toMatchObject({ lr: 35, clip: 5 / 35 });
    const mean = resolveRunConfig(await preset("zaremba-small"), { lossReduction: "mean" });
    expect(effectiveOptimization(mean)).toMatchObject({ lr: 1, clip: 5, lrNote: null, clipNote: null });
  });
});
