import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  decodeSafetensors,
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  type SafetensorsTensor,
  type StateInit,
  type TimeMajorBatch,
  type TrainingOptions,
  type Weights,
} from "@rnnlm/core";
import { canonicalWeightShapes, hasCellState, parameterNames } from "@rnnlm/core/backend";

/** Expected results of one {@link ConformanceCase}, all computed in float64 by the reference backend. */
export interface ConformanceExpected {
  /** Mean cross-entropy of the batch from the initial weights and state. */
  readonly loss: number;
  /** (steps·batch, V), time-major. */
  readonly logits: Float64Array;
  /** Final states (layers, batch, H); `cn` only for LSTM. */
  readonly hn: Float64Array;
  readonly cn: Float64Array | null;
  /** d loss / d parameter, keyed by `parameterNames(spec)`. */
  readonly grads: Record<string, Float64Array>;
  /** One entry per `trainStep` call: the loss it returns and the gradient norm before clipping. */
  readonly trainSteps: ReadonlyArray<{ readonly loss: number; readonly gradNorm: number }>;
  /** Canonical weights after the last `trainStep` (both keys when tied). */
  readonly updated: Record<string, Float64Array>;
}

/**
 * One conformance case: a model, its float32 weights, a batch and a non-zero initial state.
 * `trainSteps` calls of `trainStep` are made on the same batch, each from the same initial
 * state (the model's weights and optimizer state carry over between them).
 */
export interface ConformanceCase {
  readonly name: string;
  readonly description: string;
  readonly dir: string;
  readonly spec: ModelSpec;
  readonly training: TrainingOptions;
  /** Inputs and targets, time-major. */
  readonly batch: TimeMajorBatch;
  /** Float32 canonical weights (both keys when tied). */
  readonly weights: Weights;
  /** Float32 initial state, (layers, batch, H) each. */
  readonly state: StateInit;
  readonly trainSteps: number;
  readonly expected: ConformanceExpected;
}

/** The fixture folder shipped in the repository: `fixtures/conformance` at the workspace root. */
export function defaultCasesDir(): string {
  return fileURLToPath(new URL("../../../fixtures/conformance/", import.meta.url));
}

function fail(dir: string, problem: string): never {
  throw new Error(
    `conformance case ${dir}: ${problem}; regenerate with \`pnpm --filter @rnnlm/backend-reference fixtures\``,
  );
}

function readSafetensors(dir: string, file: string): Record<string, SafetensorsTensor> {
  return decodeSafetensors(new Uint8Array(readFileSync(join(dir, file))), join(dir, file)).tensors;
}

function numbers(dir: string, value: unknown, what: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === "number"))
    fail(dir, `"${what}" is not a list of numbers`);
  return value as number[];
}

function positiveInt(dir: string, json: Record<string, unknown>, key: string): number {
  const value = json[key];
  if (typeof value !== "number" || !Number.isInteger(value) || value <= 0)
    fail(dir, `"${key}" must be a positive integer`);
  return value;
}

function float64(dir: string, tensors: Record<string, SafetensorsTensor>, name: string): Float64Array {
  const t = tensors[name];
  if (t === undefined) fail(dir, `expected.safetensors has no "${name}"`);
  if (!(t.data instanceof Float64Array)) fail(dir, `expected "${name}" is not F64`);
  return t.data;
}

/** The JSON file of a case or run folder, with the model, training options and window shape it names. */
function readCaseJson(dir: string, file: string) {
  const json = JSON.parse(readFileSync(join(dir, file), "utf8")) as Record<string, unknown>;
  return {
    json,
    spec: parseModelSpec(json.spec),
    training: parseTrainingOptions(json.training),
    steps: positiveInt(dir, json, "steps"),
    batchSize: positiveInt(dir, json, "batch"),
  };
}

/** Reads one case folder (`case.json`, `weights.safetensors`, `state.safetensors`, `expected.safetensors`). */
export function loadConformanceCase(dir: string): ConformanceCase {
  const { json, spec, training, steps, batchSize } = readCaseJson(dir, "case.json");
  const trainSteps = positiveInt(dir, json, "trainSteps");
  const x = Int32Array.from(numbers(dir, json.x, "x"));
  const y = Int32Array.from(numbers(dir, json.y, "y"));
  if (x.length !== steps * batchSize || y.length !== steps * batchSize) fail(dir, "x and y must hold steps·batch ids");
  const expectedJson = json.expected as { loss: number; trainSteps: Array<{ loss: number; gradNorm: number }> };
  if (!Array.isArray(expectedJson?.trainSteps) || expectedJson.trainSteps.length !== trainSteps)
    fail(dir, "expected.trainSteps must have one entry per trainStep");

  const weights = float32Weights(dir, spec);
  const stateTensors = readSafetensors(dir, "state.safetensors");
  const h = stateTensors.h?.data;
  if (!(h instanceof Float32Array)) fail(dir, 'state.safetensors needs F32 "h"');
  const lstm = hasCellState(spec.cell);
  const c = stateTensors.c?.data;
  if (lstm && !(c instanceof Float32Array)) fail(dir, 'state.safetensors needs F32 "c" for an lstm');
  const state: StateInit = lstm ? { h, c: c as Float32Array } : { h };

  const exp = readSafetensors(dir, "expected.safetensors");
  const grads: Record<string, Float64Array> = {};
  for (const name of parameterNames(spec)) grads[name] = float64(dir, exp, `grad.${name}`);
  const updated: Record<string, Float64Array> = {};
  for (const [name] of canonicalWeightShapes(spec)) updated[name] = float64(dir, exp, `updated.${name}`);
  return {
    name: String(json.name),
    description: String(json.description ?? ""),
    dir,
    spec,
    training,
    batch: { x, y, steps, batch: batchSize },
    weights,
    state,
    trainSteps,
    expected: {
      loss: expectedJson.loss,
      logits: float64(dir, exp, "logits"),
      hn: float64(dir, exp, "hn"),
      cn: lstm ? float64(dir, exp, "cn") : null,
      grads,
      trainSteps: expectedJson.trainSteps,
      updated,
    },
  };
}

/** Every case folder under `dir` (default {@link defaultCasesDir}), sorted by name. */
export function loadConformanceCases(dir: string = defaultCasesDir()): ConformanceCase[] {
  if (!existsSync(dir)) {
    throw new Error(
      `no conformance fixtures at ${dir}; generate them with \`pnpm --filter @rnnlm/backend-reference fixtures\``,
    );
  }
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "case.json")))
    .map((e) => e.name)
    .sort()
    .map((name) => loadConformanceCase(join(dir, name)));
}

/** Expected results of one {@link TrainingRunCase}, computed in float64 by the reference backend. */
export interface TrainingRunExpected {
  /** Per step: the loss `trainStep` returns and the gradient norm before clipping. */
  readonly steps: ReadonlyArray<{ readonly loss: number; readonly gradNorm: number }>;
  /** Per step: every canonical weight after it (both keys when tied). */
  readonly weights: ReadonlyArray<Record<string, Float64Array>>;
}

/**
 * A training run: K `trainStep` calls over consecutive windows of one token stream, the state
 * starting at zero and carried (detached) from each step to the next, with the weights expected
 * after every step. Folders `run-*` beside the single-batch cases (`run.json`,
 * `weights.safetensors`, `expected.safetensors`).
 */
export interface TrainingRunCase {
  readonly name: string;
  readonly description: string;
  readonly dir: string;
  readonly spec: ModelSpec;
  readonly training: TrainingOptions;
  /** The windows, in order (time-major). */
  readonly windows: readonly TimeMajorBatch[];
  /** Float32 canonical weights before the first step (both keys when tied). */
  readonly weights: Weights;
  readonly expected: TrainingRunExpected;
}

function float32Weights(dir: string, spec: ModelSpec): Weights {
  const weights: Weights = {};
  const stored = readSafetensors(dir, "weights.safetensors");
  for (const [name, shape] of canonicalWeightShapes(spec)) {
    const t = stored[name];
    if (t === undefined || !(t.data instanceof Float32Array)) fail(dir, `weights.safetensors needs F32 "${name}"`);
    weights[name] = { shape, data: t.data };
  }
  return weights;
}

/** Reads one training-run folder. */
export function loadTrainingRunCase(dir: string): TrainingRunCase {
  const { json, spec, training, steps, batchSize } = readCaseJson(dir, "run.json");
  if (!Array.isArray(json.windows) || json.windows.length === 0) fail(dir, '"windows" must be a non-empty list');
  const windows = (json.windows as Array<Record<string, unknown>>).map((w, k) => {
    const x = Int32Array.from(numbers(dir, w.x, `windows[${k}].x`));
    const y = Int32Array.from(numbers(dir, w.y, `windows[${k}].y`));
    if (x.length !== steps * batchSize || y.length !== steps * batchSize) {
      fail(dir, `windows[${k}] must hold steps·batch ids in x and y`);
    }
    return { x, y, steps, batch: batchSize };
  });
  const expectedSteps = json.expected as Array<{ loss: number; gradNorm: number }>;
  if (!Array.isArray(expectedSteps) || expectedSteps.length !== windows.length) {
    fail(dir, '"expected" must have one entry per window');
  }
  const exp = readSafetensors(dir, "expected.safetensors");
  const after = windows.map((_, k) => {
    const out: Record<string, Float64Array> = {};
    for (const [name] of canonicalWeightShapes(spec)) out[name] = float64(dir, exp, `step${k + 1}.${name}`);
    return out;
  });
  return {
    name: String(json.name),
    description: String(json.description ?? ""),
    dir,
    spec,
    training,
    windows,
    weights: float32Weights(dir, spec),
    expected: { steps: expectedSteps, weights: after },
  };
}

/** Every training-run folder (`run.json`) under `dir` (default {@link defaultCasesDir}), sorted by name. */
export function loadTrainingRunCases(dir: string = defaultCasesDir()): TrainingRunCase[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(dir, e.name, "run.json")))
    .map((e) => e.name)
    .sort()
    .map((name) => loadTrainingRunCase(join(dir, name)));
}
