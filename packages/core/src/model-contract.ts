import type { TimeMajorBatch } from "./batch.js";
import { CheckpointError, ModelDisposedError, NonFiniteLossError, ShapeError, SpecError } from "./errors.js";
import type { ForwardResult, RecurrentState, StateInit, TimeMajorIds } from "./model.js";
import type { OptimizerSpec } from "./optimizer.js";
import { hasCellState, type ModelSpec } from "./spec.js";
import { HostTensor, sizeOf, type Tensor } from "./tensor.js";
import { canonicalWeightShapes, parameterNames, type Weights } from "./weights.js";

/*
 * The edges of the Model / TrainableModel contract, checked once here for every backend:
 * token ids, batch sizes, recurrent states, the learning rate, the optimizer-buffer layout.
 * Backends call these before their tensor work, so every backend answers bad input with the
 * same error class, code and message.
 */

/** Throws {@link ModelDisposedError} when `disposed`. */
export function checkNotDisposed(disposed: boolean, backendId: string): void {
  if (disposed) throw new ModelDisposedError(backendId);
}

/** Checks `batch` is a positive integer (the rows of a state or an input). */
export function checkBatchSize(batch: number, what = "batch"): void {
  if (!Number.isInteger(batch) || batch < 1) throw new ShapeError(`${what} must be a positive integer, got ${batch}`);
}

/**
 * Checks time-major token ids: `steps` (≥ 1, or ≥ 0 with `allowEmpty`) and `batch` (≥ 1)
 * integers, `steps · batch` ids, each in [0, V).
 */
export function checkTokenIds(
  spec: ModelSpec,
  ids: Int32Array,
  steps: number,
  batch: number,
  what: string,
  allowEmpty = false,
): void {
  const minSteps = allowEmpty ? 0 : 1;
  if (!Number.isInteger(steps) || steps < minSteps || !Number.isInteger(batch) || batch < 1) {
    throw new ShapeError(
      `${what}: steps (${steps}) and batch (${batch}) must be integers with steps ≥ ${minSteps} and batch ≥ 1`,
    );
  }
  if (ids.length !== steps * batch) {
    throw new ShapeError(
      `${what}: ${ids.length} ids for steps ${steps} × batch ${batch} = ${steps * batch}; ids are time-major, ids[t·batch + b]`,
    );
  }
  const V = spec.vocabSize;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (!(id >= 0 && id < V)) {
      throw new ShapeError(
        `${what}: token id ${id} at position ${i} is outside the vocabulary [0, ${V}); was the data encoded with another vocabulary?`,
      );
    }
  }
}

/** Checks `forward`'s input; `steps = 0` is allowed (see {@link emptyForward}). */
export function checkForwardInput(spec: ModelSpec, input: TimeMajorIds): void {
  checkTokenIds(spec, input.ids, input.steps, input.batch, "forward input", true);
}

/** Checks a training or evaluation batch: `x` and `y` both steps · batch ids in [0, V), steps ≥ 1. */
export function checkTrainingBatch(spec: ModelSpec, batch: TimeMajorBatch): void {
  checkTokenIds(spec, batch.x, batch.steps, batch.batch, "batch x");
  checkTokenIds(spec, batch.y, batch.steps, batch.batch, "batch y");
}

/** (layers, batch, hidden): the shape of `h` and `c`. */
export function stateShape(spec: ModelSpec, batch: number): [number, number, number] {
  return [spec.numLayers, batch, spec.hiddenSize];
}

/** Host values of an initial state: zeros, or validated copies of `init`. */
export interface InitialStateValues {
  readonly shape: [number, number, number];
  readonly h: Float32Array;
  /** LSTM only. */
  readonly c: Float32Array | null;
}

/** The values `beginState(batch, init)` starts from, after checking `batch` and `init`. */
export function initialStateValues(spec: ModelSpec, batch: number, init?: StateInit): InitialStateValues {
  checkBatchSize(batch);
  const shape = stateShape(spec, batch);
  const [L, , H] = shape;
  const n = sizeOf(shape);
  const lstm = hasCellState(spec.cell);
  if (!lstm && init?.c !== undefined) {
    throw new ShapeError(`initial state has "c" but a ${spec.cell} cell carries only "h"; drop "c"`);
  }
  const take = (values: Float32Array | undefined, which: string): Float32Array => {
    if (values === undefined) return new Float32Array(n);
    if (values.length !== n) {
      throw new ShapeError(
        `initial state ${which} holds ${values.length} values but needs ${n}: it needs layers·batch·hidden = ${n} (${L}·${batch}·${H})`,
      );
    }
    return Float32Array.from(values);
  };
  return { shape, h: take(init?.h, "h"), c: lstm ? take(init?.c, "c") : null };
}

/** `beginState` for backends whose states live in host memory. */
export function beginHostState(spec: ModelSpec, batch: number, init?: StateInit): RecurrentState {
  const v = initialStateValues(spec, batch, init);
  const h = HostTensor.float32(v.h, v.shape);
  return v.c === null ? { h } : { h, c: HostTensor.float32(v.c, v.shape) };
}

/**
 * Checks a state against (layers, batch, hidden): `h`, and `c` exactly when the cell is an
 * LSTM, both live.
 */
export function checkState(spec: ModelSpec, state: RecurrentState, batch: number): void {
  const expected = stateShape(spec, batch);
  const check = (t: Tensor, which: string) => {
    if (t.isDisposed) throw new ShapeError(`state ${which} was disposed; pass a live state (e.g. from beginState)`);
    const shape = t.shape;
    if (shape.length !== 3 || shape.some((d, i) => d !== expected[i])) {
      throw new ShapeError(
        `state ${which} has shape [${shape.join(", ")}], expected [${expected.join(", ")}] (layers, batch, hidden); use beginState(${batch})`,
      );
    }
  };
  check(state.h, "h");
  const lstm = hasCellState(spec.cell);
  if (lstm && state.c === undefined) {
    throw new ShapeError(`an lstm state needs "c" as well as "h" (the model needs state.c); use beginState(${batch})`);
  }
  if (!lstm && state.c !== undefined) {
    throw new ShapeError(`state has "c" but a ${spec.cell} cell carries only "h"; use beginState(${batch})`);
  }
  if (state.c !== undefined) check(state.c, "c");
}

/**
 * The `steps = 0` rule, the same on every backend: `forward` returns logits of shape (0, V)
 * and a copy of the (checked) state, in host memory.
 */
export function emptyForward(spec: ModelSpec, state: RecurrentState, batch: number): ForwardResult {
  checkState(spec, state, batch);
  const shape = stateShape(spec, batch);
  const copy = (t: Tensor<"float32">) => HostTensor.float32(Float32Array.from(t.dataSync()), shape);
  const logits = HostTensor.float32(new Float32Array(0), [0, spec.vocabSize]);
  return { logits, state: state.c === undefined ? { h: copy(state.h) } : { h: copy(state.h), c: copy(state.c) } };
}

/**
 * The rule for a step whose loss or gradient norm is NaN or infinite: `trainStep` throws
 * {@link NonFiniteLossError} (`ERR_NON_FINITE_LOSS`) before it updates anything, so the weights,
 * the optimizer buffers and Adam's step count stay as they were (a diverged step must not
 * poison the model that the caller may still save or roll back). Backends call this between
 * computing the step's loss and gradient norm and applying the update.
 */
export function checkFiniteStep(loss: number, gradNorm: number): void {
  if (Number.isFinite(loss) && Number.isFinite(gradNorm)) return;
  throw new NonFiniteLossError(
    `the training step's loss is ${loss} (gradient norm ${gradNorm}), so nothing was updated: ` +
      "lower the learning rate or enable gradient clipping",
  );
}

/** Checks a learning rate (finite, > 0) and returns it. */
export function checkLearningRate(lr: number): number {
  if (!(Number.isFinite(lr) && lr > 0)) throw new SpecError(`learning rate must be a positive number, got ${lr}`);
  return lr;
}

/** The per-parameter buffer kinds of an optimizer, PyTorch's state names. */
export function optimizerBufferKinds(optimizer: OptimizerSpec): string[] {
  if (optimizer.type === "adam") return ["exp_avg", "exp_avg_sq"];
  if (optimizer.type === "rmsprop") return ["square_avg"];
  return optimizer.momentum > 0 ? ["momentum"] : [];
}

/** Names of the optimizer buffers of one parameter, as `getOptimizerState` keys them. */
export function optimizerBufferNames(optimizer: OptimizerSpec, param: string): string[] {
  return optimizerBufferKinds(optimizer).map((kind) => `${kind}.${param}`);
}

/** The parameter a buffer belongs to: `exp_avg.rnn.weight_ih_l0` → `rnn.weight_ih_l0`. */
export function bufferParameter(key: string): string {
  return key.slice(key.indexOf(".") + 1);
}

/**
 * Every optimizer buffer of `spec` under `optimizer`, with its canonical shape: `<kind>.<param>`
 * for each parameter (shape of the parameter), plus `step` (shape [1]) for Adam. Empty for
 * plain SGD.
 */
export function optimizerBufferLayout(spec: ModelSpec, optimizer: OptimizerSpec): Map<string, readonly number[]> {
  const shapes = new Map(canonicalWeightShapes(spec));
  const layout = new Map<string, readonly number[]>();
  for (const name of parameterNames(spec)) {
    for (const key of optimizerBufferNames(optimizer, name)) layout.set(key, shapes.get(name) ?? []);
  }
  if (optimizer.type === "adam") layout.set("step", [1]);
  return layout;
}

/** e.g. "SGD (momentum 0.9)", "Adam", "RMSprop". */
export function describeOptimizer(optimizer: OptimizerSpec): string {
  if (optimizer.type === "sgd") return `SGD (momentum ${optimizer.momentum})`;
  return optimizer.type === "adam" ? "Adam" : "RMSprop";
}

/**
 * Checks a given optimizer state against {@link optimizerBufferLayout}: no unexpected buffer,
 * none missing, each of the right size, and Adam's `step` a non-negative integer. Throws
 * {@link CheckpointError}; returns Adam's step (0 for the others).
 */
export function validateOptimizerState(spec: ModelSpec, optimizer: OptimizerSpec, state: Weights): { step: number } {
  const layout = optimizerBufferLayout(spec, optimizer);
  const what = describeOptimizer(optimizer);
  for (const key of Object.keys(state)) {
    if (!layout.has(key)) {
      throw new CheckpointError(
        `optimizer buffer "${key}" does not belong to ${what} for this model (expected: ${[...layout.keys()].join(", ") || "none"}); was the state saved with another optimizer?`,
      );
    }
  }
  for (const [key, shape] of layout) {
    const given = state[key];
    if (given === undefined) {
      throw new CheckpointError(
        `missing optimizer buffer "${key}" for ${what}; was the state saved with another optimizer?`,
      );
    }
    const n = sizeOf(shape);
    if (given.data.length !== n) {
      throw new CheckpointError(
        `optimizer buffer "${key}" holds ${given.data.length} values, expected ${n} (shape [${shape.join(", ")}])`,
      );
    }
  }
  if (optimizer.type !== "adam") return { step: 0 };
  const step = state.step.data[0];
  if (!Number.isInteger(step) || step < 0) {
    throw new CheckpointError(`optimizer buffer "step" must be a non-negative integer, got ${step}`);
  }
  return { step };
}
