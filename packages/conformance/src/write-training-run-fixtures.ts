import {
  disposeState,
  encodeSafetensors,
  type ModelSpecInput,
  parseModelSpec,
  parseTrainingOptions,
  type SafetensorsTensor,
  SeededRandom,
  type TimeMajorBatch,
  type TrainingOptionsInput,
} from "@rnnlm/core";
import { canonicalWeightShapes, initWeights } from "@rnnlm/core/backend";
import { type FixtureFile, type FixtureOracle, formatJson } from "./write-fixtures.js";

interface RunDefinition {
  readonly name: string;
  readonly spec: ModelSpecInput;
  readonly training: TrainingOptionsInput;
  readonly steps: number;
  readonly batch: number;
  /** Training steps, one window each. */
  readonly windows: number;
  readonly note: string;
}

/**
 * K training steps over consecutive windows of one token stream, as a word-level or d2l
 * sequential epoch runs them: the state starts at zero and each step starts from the state the
 * previous one returned (carried, detached). Clipping is active in at least half of the steps
 * (the generator checks). Sizes are small enough for the float64 reference, large enough that
 * ids repeat within a window (the gradient-by-id accumulation is exercised).
 */
export function trainingRunDefinitions(): RunDefinition[] {
  return [
    {
      name: "run-lstm-l1-onehot-sgd",
      spec: { cell: "lstm", vocabSize: 11, hiddenSize: 8, numLayers: 1, init: "pytorch" },
      training: { optimizer: { type: "sgd", lr: 1 }, clip: 0.22 },
      steps: 5,
      batch: 4,
      windows: 6,
      note: "d2l-like: one-hot input, SGD lr 1",
    },
    {
      name: "run-lstm-l2-embedding-dropout-momentum",
      spec: {
        cell: "lstm",
        vocabSize: 13,
        hiddenSize: 8,
        embeddingSize: 6,
        numLayers: 2,
        dropout: { input: 0.3, between: 0.3, output: 0.3 },
        init: "word-lm",
      },
      training: { optimizer: { type: "sgd", lr: 1, momentum: 0.5 }, clip: 0.25, seed: 5 },
      steps: 4,
      batch: 3,
      windows: 6,
      note: "word-LM-like: embedding, dropout 0.3 everywhere (masks from the training seed), SGD momentum 0.5",
    },
    {
      name: "run-gru-l1-tied-adam",
      spec: { cell: "gru", vocabSize: 9, hiddenSize: 6, embeddingSize: 6, tied: true, init: "pytorch" },
      training: { optimizer: { type: "adam", lr: 0.01 }, clip: 0.3 },
      steps: 5,
      batch: 3,
      windows: 5,
      note: "tied embedding/decoder, Adam lr 0.01",
    },
    {
      name: "run-rnn_tanh-l2-onehot-weight-decay",
      spec: { cell: "rnn_tanh", vocabSize: 10, hiddenSize: 7, numLayers: 2, init: "pytorch" },
      training: { optimizer: { type: "sgd", lr: 0.5, weightDecay: 0.01 }, clip: 0.4 },
      steps: 6,
      batch: 2,
      windows: 6,
      note: "two tanh layers, one-hot input, SGD lr 0.5 weight decay 0.01",
    },
  ];
}

/** Consecutive time-major windows of a random stream laid out in `batch` rows (Y = X shifted by one). */
function windowsOf(d: RunDefinition, vocabSize: number, rng: SeededRandom): TimeMajorBatch[] {
  const length = d.windows * d.steps + 1;
  const rows = Array.from({ length: d.batch }, () => Array.from({ length }, () => rng.int(0, vocabSize - 1)));
  return Array.from({ length: d.windows }, (_, k) => {
    const x = new Int32Array(d.steps * d.batch);
    const y = new Int32Array(d.steps * d.batch);
    for (let t = 0; t < d.steps; t++) {
      for (let b = 0; b < d.batch; b++) {
        x[t * d.batch + b] = rows[b][k * d.steps + t];
        y[t * d.batch + b] = rows[b][k * d.steps + t + 1];
      }
    }
    return { x, y, steps: d.steps, batch: d.batch };
  });
}

/**
 * The training-run fixtures (`run-*` folders beside the single-batch cases): per run, seed
 * 2000 + its index, float32 initial weights from core's `initWeights`, the windows, and the
 * float64 weights after every step as the oracle computes them. Files: `run.json`,
 * `weights.safetensors`, `expected.safetensors` (`step<k>.<name>`, k = 1…K).
 */
export async function buildTrainingRunFixtures(oracle: FixtureOracle): Promise<FixtureFile[]> {
  const files: FixtureFile[] = [];
  for (const [index, d] of trainingRunDefinitions().entries()) {
    const seed = 2000 + index;
    const spec = parseModelSpec(d.spec);
    const training = parseTrainingOptions(d.training);
    const rng = new SeededRandom(seed);
    const weights = initWeights(spec, rng);
    const windows = windowsOf(d, spec.vocabSize, rng);

    const model = oracle.createModel(spec, weights, training);
    const expected: Record<string, SafetensorsTensor> = {};
    const steps: Array<{ loss: number; gradNorm: number }> = [];
    let state = model.beginState(d.batch);
    for (const [k, window] of windows.entries()) {
      const result = await model.trainStep(window, state);
      disposeState(state);
      state = result.state;
      steps.push({ loss: result.loss, gradNorm: result.gradNorm });
      const after = await model.getWeights();
      for (const [name] of canonicalWeightShapes(spec)) expected[`step${k + 1}.${name}`] = after[name];
    }
    disposeState(state);
    model.dispose();
    const clipped = steps.filter((s) => training.clip !== null && s.gradNorm > training.clip).length;
    if (2 * clipped < steps.length) {
      throw new Error(
        `run ${d.name}: clipping is active in ${clipped} of ${steps.length} steps (norms ${steps.map((s) => s.gradNorm.toPrecision(3)).join(", ")}); lower the clip`,
      );
    }

    const stored: Record<string, SafetensorsTensor> = {};
    for (const [name] of canonicalWeightShapes(spec)) stored[name] = weights[name];
    const json = {
      name: d.name,
      description: `${d.note}; batch ${d.batch}, steps ${d.steps}, ${d.windows} windows; clip ${training.clip} (active in ${clipped} of ${steps.length} steps)`,
      seed,
      spec,
      training,
      steps: d.steps,
      batch: d.batch,
      windows: windows.map((w) => ({ x: [...w.x], y: [...w.y] })),
      expected: steps,
    };
    files.push({ path: `${d.name}/run.json`, bytes: new TextEncoder().encode(`${formatJson(json)}\n`) });
    files.push({ path: `${d.name}/weights.safetensors`, bytes: encodeSafetensors(stored) });
    files.push({ path: `${d.name}/expected.safetensors`, bytes: encodeSafetensors(expected) });
  }
  return files;
}
