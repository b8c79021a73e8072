import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import {
  CELLS,
  type Cell,
  encodeSafetensors,
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  type SafetensorsTensor,
  SeededRandom,
  type TimeMajorIds,
  type TrainableModel,
  type TrainingOptions,
  type TrainingOptionsInput,
  type Weights,
} from "@rnnlm/core";
import { canonicalWeightShapes, hasCellState, initWeights, parameterNames } from "@rnnlm/core/backend";
import { buildTrainingRunFixtures } from "./write-training-run-fixtures.js";

/**
 * The float64 oracle the fixtures are computed with: the reference backend's trainable model
 * (`new ReferenceTrainableModel(spec, weights, training)`), passed in by the caller so the
 * published reference backend does not carry the fixture writer.
 */
export interface FixtureOracle {
  createModel(spec: ModelSpec, weights: Weights, training: TrainingOptions): OracleModel;
}

/** A trainable model that also gives its forward pass in float64 (`ReferenceModel.forward64`). */
export interface OracleModel extends TrainableModel {
  forward64(
    input: TimeMajorIds,
    state: { readonly h: Float64Array; readonly c: Float64Array | null },
  ): { readonly logits: Float64Array; readonly h: Float64Array; readonly c: Float64Array | null };
}

/** One file of the conformance fixtures, relative to `fixtures/conformance/`. */
export interface FixtureFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

type InputKind = "onehot" | "embedding" | "tied";

interface CaseDefinition {
  readonly name: string;
  readonly cell: Cell;
  readonly layers: number;
  readonly input: InputKind;
  readonly training: TrainingOptionsInput;
  readonly trainSteps: number;
  readonly note: string;
}

const VOCAB = 7;
const HIDDEN = 5;
const BATCH = 3;
const STEPS = 4;
/** Small enough that every case's gradient norm exceeds it: clipping is active. */
const CLIP = 0.1;
const SGD: TrainingOptionsInput = { optimizer: { type: "sgd", lr: 0.5 }, clip: CLIP };

const INPUT_KINDS: readonly InputKind[] = ["onehot", "embedding", "tied"];

/** Every cell × 1–2 layers × (one-hot, embedding, tied) with SGD, plus optimizer variants. */
export function conformanceCaseDefinitions(): CaseDefinition[] {
  const out: CaseDefinition[] = [];
  for (const cell of CELLS) {
    for (const layers of [1, 2]) {
      for (const input of INPUT_KINDS) {
        out.push({
          name: `${cell}-l${layers}-${input}`,
          cell,
          layers,
          input,
          training: SGD,
          trainSteps: 1,
          note: `SGD lr 0.5, clip ${CLIP} (active)`,
        });
      }
    }
  }
  const variants: CaseDefinition[] = [
    {
      name: "rnn_tanh-l1-onehot-momentum",
      cell: "rnn_tanh",
      layers: 1,
      input: "onehot",
      training: { optimizer: { type: "sgd", lr: 0.5, momentum: 0.9, weightDecay: 0.01 }, clip: CLIP },
      trainSteps: 2,
      note: `SGD lr 0.5 momentum 0.9 weight decay 0.01, clip ${CLIP} (active), 2 steps`,
    },
    {
      name: "lstm-l2-embedding-momentum",
      cell: "lstm",
      layers: 2,
      input: "embedding",
      training: { optimizer: { type: "sgd", lr: 0.5, momentum: 0.9 }, clip: CLIP },
      trainSteps: 2,
      note: `SGD lr 0.5 momentum 0.9, clip ${CLIP} (active), 2 steps`,
    },
    {
      name: "gru-l2-tied-adam",
      cell: "gru",
      layers: 2,
      input: "tied",
      training: { optimizer: { type: "adam", lr: 0.01 }, clip: CLIP },
      trainSteps: 2,
      note: `Adam lr 0.01, clip ${CLIP} (active), 2 steps`,
    },
    {
      name: "lstm-l1-onehot-adam",
      cell: "lstm",
      layers: 1,
      input: "onehot",
      training: { optimizer: { type: "adam", lr: 0.01, beta1: 0.8, beta2: 0.99, weightDecay: 0.01 }, clip: null },
      trainSteps: 2,
      note: "Adam lr 0.01 betas (0.8, 0.99) weight decay 0.01, no clipping, 2 steps",
    },
    {
      name: "rnn_relu-l2-embedding-adam",
      cell: "rnn_relu",
      layers: 2,
      input: "embedding",
      training: { optimizer: { type: "adam", lr: 0.01 }, clip: CLIP },
      trainSteps: 3,
      note: `Adam lr 0.01, clip ${CLIP} (active), 3 steps`,
    },
    {
      name: "lstm-l2-onehot-rmsprop",
      cell: "lstm",
      layers: 2,
      input: "onehot",
      training: { optimizer: { type: "rmsprop", lr: 0.002, alpha: 0.95, weightDecay: 0.01 }, clip: CLIP },
      trainSteps: 3,
      note: `RMSprop lr 0.002 alpha 0.95 (char-rnn) weight decay 0.01, clip ${CLIP} (active), 3 steps`,
    },
  ];
  return [...out, ...variants];
}

function specOf(d: CaseDefinition): ModelSpec {
  return parseModelSpec({
    cell: d.cell,
    vocabSize: VOCAB,
    hiddenSize: HIDDEN,
    numLayers: d.layers,
    embeddingSize: d.input === "onehot" ? null : HIDDEN,
    tied: d.input === "tied",
    init: "pytorch",
  });
}

function describeCase(d: CaseDefinition, spec: ModelSpec): string {
  const input =
    d.input === "onehot"
      ? `one-hot input (V ${VOCAB})`
      : `embedding ${HIDDEN}${d.input === "tied" ? " tied to the decoder" : ""}`;
  return `${d.cell}, ${spec.numLayers} layer${spec.numLayers > 1 ? "s" : ""} of ${HIDDEN}, ${input}; batch ${BATCH}, steps ${STEPS}; ${d.note}`;
}

function ids(rng: SeededRandom): number[] {
  return Array.from({ length: STEPS * BATCH }, () => rng.int(0, VOCAB - 1));
}

/** Indented JSON with lists of numbers kept on one line. */
export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/\[\s+(-?[\d.e+-]+(?:,\s+-?[\d.e+-]+)*)\s+\]/g, (_, items: string) => {
    return `[${items.split(/,\s+/).join(", ")}]`;
  });
}

/**
 * Builds every fixture file, deterministically: per case (seed 1000 + its index) float32
 * weights from core's `initWeights`, a non-zero float32 initial state U(−0.5, 0.5), random
 * ids, then the expected results computed in float64 by the oracle from those float32
 * values. Files per case: `case.json`, `weights.safetensors`, `state.safetensors`,
 * `expected.safetensors`; then the training runs (`run-*`, see `buildTrainingRunFixtures`).
 */
export async function buildConformanceFixtures(oracle: FixtureOracle): Promise<FixtureFile[]> {
  const files: FixtureFile[] = [];
  const definitions = conformanceCaseDefinitions();
  for (const [index, d] of definitions.entries()) {
    const seed = 1000 + index;
    const spec = specOf(d);
    const training = parseTrainingOptions(d.training);
    const rng = new SeededRandom(seed);
    const weights = initWeights(spec, rng);
    const n = spec.numLayers * BATCH * HIDDEN;
    const draw = () => Float32Array.from({ length: n }, () => rng.uniform() - 0.5);
    const lstm = hasCellState(spec.cell);
    const h0 = draw();
    const c0 = lstm ? draw() : null;
    const x = Int32Array.from(ids(rng));
    const y = Int32Array.from(ids(rng));
    const batch = { x, y, steps: STEPS, batch: BATCH };
    const init = c0 === null ? { h: h0 } : { h: h0, c: c0 };

    const model = oracle.createModel(spec, weights, training);
    const forward = model.forward64(
      { ids: x, steps: STEPS, batch: BATCH },
      { h: Float64Array.from(h0), c: c0 === null ? null : Float64Array.from(c0) },
    );
    const { loss, grads } = await model.gradients(batch, model.beginState(BATCH, init));
    const trainSteps: Array<{ loss: number; gradNorm: number }> = [];
    for (let i = 0; i < d.trainSteps; i++) {
      const r = await model.trainStep(batch, model.beginState(BATCH, init));
      if (training.clip !== null && r.gradNorm <= training.clip) {
        throw new Error(
          `case ${d.name}: gradient norm ${r.gradNorm} does not exceed clip ${training.clip}; lower the clip`,
        );
      }
      trainSteps.push({ loss: r.loss, gradNorm: r.gradNorm });
    }
    const updated = await model.getWeights();
    model.dispose();

    const stateShape = [spec.numLayers, BATCH, HIDDEN];
    const expected: Record<string, SafetensorsTensor> = {
      logits: { shape: [STEPS * BATCH, VOCAB], data: forward.logits },
      hn: { shape: stateShape, data: forward.h },
    };
    if (forward.c !== null) expected.cn = { shape: stateShape, data: forward.c };
    for (const name of parameterNames(spec)) expected[`grad.${name}`] = grads[name];
    for (const [name] of canonicalWeightShapes(spec)) expected[`updated.${name}`] = updated[name];

    const stored: Record<string, SafetensorsTensor> = {};
    for (const [name] of canonicalWeightShapes(spec)) stored[name] = weights[name];
    const state: Record<string, SafetensorsTensor> = { h: { shape: stateShape, data: h0 } };
    if (c0 !== null) state.c = { shape: stateShape, data: c0 };

    const json = {
      name: d.name,
      description: describeCase(d, spec),
      seed,
      spec,
      training,
      steps: STEPS,
      batch: BATCH,
      x: [...x],
      y: [...y],
      trainSteps: d.trainSteps,
      expected: { loss, trainSteps },
    };
    files.push({ path: `${d.name}/case.json`, bytes: new TextEncoder().encode(`${formatJson(json)}\n`) });
    files.push({ path: `${d.name}/weights.safetensors`, bytes: encodeSafetensors(stored) });
    files.push({ path: `${d.name}/state.safetensors`, bytes: encodeSafetensors(state) });
    files.push({ path: `${d.name}/expected.safetensors`, bytes: encodeSafetensors(expected) });
  }
  return [...files, ...(await buildTrainingRunFixtures(oracle))];
}

/**
 * Regenerates the fixtures into `dir` (the repository's `fixtures/conformance/`, or a temporary
 * folder to compare with it): removes the case folders an earlier run wrote (those with a
 * `case.json` or `run.json`), so renamed cases leave nothing behind, then writes every file.
 */
export async function writeConformanceFixtures(dir: string, oracle: FixtureOracle): Promise<FixtureFile[]> {
  const files = await buildConformanceFixtures(oracle);
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const generated = ["case.json", "run.json"].some((file) => existsSync(join(dir, entry.name, file)));
    if (entry.isDirectory() && generated) rmSync(join(dir, entry.name), { recursive: true });
  }
  for (const file of files) {
    const path = join(dir, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.bytes);
  }
  return files;
}
