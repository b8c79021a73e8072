import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BatchSource,
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  type TrainerState,
  type TrainingOptionsInput,
  trainLoop,
} from "@rnnlm/core";
import { loadCheckpoint, saveCheckpoint } from "@rnnlm/core/node";
import { loadTimeMachine, RandomBatches, SequentialBatches } from "@rnnlm/data";
import { afterAll, describe, expect, it } from "vitest";
import { referenceBackend } from "../src/index.js";

/** The core training loop driving the float64 reference on d2l's Time Machine data. */
async function makeModel(spec: ModelSpec, training: TrainingOptionsInput) {
  const runtime = await referenceBackend.init("cpu");
  const model = await runtime.createTrainableModel?.(spec, { seed: 7, training: parseTrainingOptions(training) });
  if (model === undefined) throw new Error("the reference runtime must train");
  return model;
}

describe("d2l Time Machine on the reference backend", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  });

  it("trains the RNN (hidden 32) with perplexity falling every epoch", async () => {
    const corpus = await loadTimeMachine({ maxTokens: 10_000 });
    const spec = parseModelSpec({ cell: "rnn_tanh", vocabSize: corpus.codec.size, hiddenSize: 32 });
    const model = await makeModel(spec, { optimizer: { type: "sgd", lr: 1 }, clip: 1 });
    const train = new SequentialBatches(corpus.train, { batchSize: 32, numSteps: 35, seed: 1 });
    const { history } = await trainLoop({ model, train, epochs: 10 });
    console.log("reference RNN perplexity by epoch:", history.map((r) => r.trainPerplexity.toFixed(2)).join(" "));
    const ppl = history.map((r) => r.trainPerplexity);
    for (let i = 1; i < ppl.length; i++) expect(ppl[i]).toBeLessThan(ppl[i - 1]);
    // Uniform guessing over 28 characters is perplexity 28; character unigrams alone give ~17.
    expect(ppl[0]).toBeLessThan(28);
    expect(ppl.at(-1)).toBeLessThan(14);
  });

  it("a run interrupted, checkpointed and resumed ends bit-identical to an uninterrupted run", async () => {
    const corpus = await loadTimeMachine({ maxTokens: 3_000 });
    // Dropout (random state), momentum (optimizer state) and sequential batches (carried state
    // mid-epoch) all have to survive the checkpoint for the runs to agree.
    const spec = parseModelSpec({
      cell: "lstm",
      vocabSize: corpus.codec.size,
      hiddenSize: 12,
      embeddingSize: 12,
      tied: true,
      dropout: { input: 0.1, output: 0.2 },
    });
    const training = { optimizer: { type: "sgd" as const, lr: 0.5, momentum: 0.9 }, clip: 1, seed: 3 };
    const source = (): BatchSource => new SequentialBatches(corpus.train, { batchSize: 4, numSteps: 10, seed: 5 });
    const root = await mkdtemp(join(tmpdir(), "rnnlm-resume-"));
    dirs.push(root);
    const save = async (dir: string, model: Awaited<ReturnType<typeof makeModel>>, trainer: TrainerState) =>
      saveCheckpoint(dir, { spec, weights: await model.getWeights(), codec: corpus.codec.toJSON(), trainer });

    const full = await makeModel(spec, training);
    const straight = await trainLoop({ model: full, train: source(), epochs: 2 });
    await save(join(root, "straight"), full, straight.state);

    const first = await makeModel(spec, training);
    const controller = new AbortController();
    const stopped = await trainLoop({
      model: first,
      train: source(),
      epochs: 2,
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === "step" && e.epoch === 2 && e.batch === 17) controller.abort();
      },
      onCheckpoint: async (reason, state) => {
        if (reason === "interrupted") await save(join(root, "stopped"), first, state);
      },
    });
    expect(stopped.interrupted).toBe(true);

    const checkpoint = await loadCheckpoint(join(root, "stopped"));
    expect(checkpoint.trainer?.partialEpoch?.batchesDone).toBe(17);
    const second = await makeModel(checkpoint.spec, checkpoint.trainer!.training);
    await second.setWeights(checkpoint.weights);
    const resumed = await trainLoop({ model: second, train: source(), epochs: 2, resume: checkpoint.trainer });
    await save(join(root, "resumed"), second, resumed.state);

    const bytes = (run: string) => readFile(join(root, run, "model.safetensors"));
    expect(Buffer.compare(await bytes("resumed"), await bytes("straight"))).toBe(0);
    const a = await loadCheckpoint(join(root, "resumed"));
    const b = await loadCheckpoint(join(root, "straight"));
    expect(a.trainer?.randomState).toEqual(b.trainer?.randomState);
    expect(a.trainer?.optimizerState).toEqual(b.trainer?.optimizerState);
    const losses = (s: TrainerState | undefined) => s?.history.map((r) => [r.epoch, r.trainLoss, r.learningRate]);
    expect(losses(a.trainer)).toEqual(losses(b.trainer));
  });

  it("random sampling resets the state: the same model trains differently than with sequential", async () => {
    const corpus = await loadTimeMachine({ maxTokens: 2_000 });
    const spec = parseModelSpec({ cell: "gru", vocabSize: corpus.codec.size, hiddenSize: 8 });
    const run = async (train: BatchSource) => {
      const model = await makeModel(spec, { optimizer: { type: "sgd", lr: 1 }, clip: 1 });
      return (await trainLoop({ model, train, epochs: 1 })).history[0].trainLoss;
    };
    const random = await run(new RandomBatches(corpus.train, { batchSize: 4, numSteps: 10, seed: 1 }));
    const sequential = await run(new SequentialBatches(corpus.train, { batchSize: 4, numSteps: 10, seed: 1 }));
    expect(Number.isFinite(random) && Number.isFinite(sequential)).toBe(true);
    expect(random).not.toBe(sequential);
  });
});
