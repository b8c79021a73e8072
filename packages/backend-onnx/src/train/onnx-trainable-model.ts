import {
  type ForwardResult,
  type GradientResult,
  type LossResult,
  type ModelSpec,
  type RandomState,
  type RecurrentState,
  RnnlmError,
  SeededRandom,
  type StateInit,
  type TimeMajorBatch,
  type TimeMajorIds,
  type TrainableModel,
  type TrainingOptions,
  type TrainStepResult,
  type Weights,
} from "@rnnlm/core";
import {
  beginHostState,
  checkFiniteStep,
  checkForwardInput,
  checkLearningRate,
  checkNotDisposed,
  checkState,
  checkTrainingBatch,
  drawDropoutMasks,
  emptyForward,
  HostTensor,
  hasCellState,
  optimizerBufferKinds,
  optimizerBufferLayout,
  parameterNames,
  sizeOf,
  stateShape,
  validateOptimizerState,
  validateWeights,
  withTiedDecoder,
} from "@rnnlm/core/backend";
import { float32Data } from "../runtime/onnx-model.js";
import type { OrtEngine } from "../runtime/ort-engine.js";
import type { OrtSessionOptions, OrtTensor } from "../runtime/ort-types.js";
import { packDecoderEntries, type StoredTensor, unpackDecoderEntries } from "./decoder-packing.js";
import { rowSelection } from "./row-selection.js";
import type { TrainGraphMode } from "./train-graph.js";
import { EMBEDDING, gradName, maskBetween, TRAIN_IO, updatedName, updatedRowsName } from "./train-io.js";
import { type TrainSession, TrainSessionCache } from "./train-session-cache.js";

/** Where a training step's time went, for benchmarks (milliseconds, last call). */
export interface StepTiming {
  /** Building feeds: wrapping weights, state and ids, drawing dropout masks. */
  readonly feedMs: number;
  /** `session.run`, including ONNX Runtime's copies of inputs and outputs. */
  readonly runMs: number;
  /** Taking the outputs back as the model's weights, buffers and state. */
  readonly collectMs: number;
}

export interface OnnxTrainableModelOptions {
  /** Session options replacing the device's for the training graphs (e.g. graph optimisation level). */
  readonly sessionOptions?: OrtSessionOptions;
  /** Sessions kept open (one per mode × window length × batch); default 16. */
  readonly sessionCapacity?: number;
}

type Stored = StoredTensor;

/**
 * Windows an announced evaluation pass (`expectEvaluations`) must still have for the model to
 * open a session with its weights as constants: opening took 60–100 ms for the word-level
 * presets, and each window then ran 2–6 ms faster.
 */
const FROZEN_MIN_WINDOWS = 32;

function outputData(outputs: Record<string, OrtTensor>, name: string): Float32Array {
  const t = outputs[name];
  if (t === undefined || !(t.data instanceof Float32Array)) {
    throw new RnnlmError("ERR_ONNX_RUNTIME", `ONNX Runtime returned no float32 output "${name}"`);
  }
  return t.data;
}

/** Writes `rows` (one per id of `ids`, in order) over those rows of `param`, in place. */
function writeRows(param: Stored, rows: Float32Array, ids: BigInt64Array | null): void {
  const width = param.dims[1] ?? 0;
  if (ids === null || rows.length !== ids.length * width) {
    throw new RnnlmError("ERR_ONNX_RUNTIME", "ONNX Runtime returned embedding rows that do not match the window's ids");
  }
  ids.forEach((id, u) => {
    param.data.set(rows.subarray(u * width, (u + 1) * width), Number(id) * width);
  });
}

/**
 * A {@link TrainableModel} whose every step runs as one ONNX graph on ONNX Runtime: forward
 * (with dropout masks drawn on the host), backpropagation through time, global-norm clipping and
 * the optimizer update (see `buildTrainGraph`). Parameters and optimizer buffers live in host
 * memory as float32 in canonical layout — but for an untied decoder, kept packed with its bias
 * (`decoder-packing.ts`) and unpacked only where weights, gradients or buffers leave; each step
 * feeds them in and takes the updated ones back (no other copy). The state is carried by the
 * caller and is detached by construction: each window's graph starts from `h0`/`c0` as plain
 * inputs.
 */
export class OnnxTrainableModel implements TrainableModel {
  readonly training: TrainingOptions;
  private params = new Map<string, Stored>();
  private buffers = new Map<string, Stored>();
  /** `""` and each optimizer buffer kind's `<kind>.`: the prefixes a packed decoder is named under. */
  private readonly prefixes: readonly string[];
  private adamStep = 0;
  private lr: number;
  private rng: SeededRandom;
  private readonly sessions: TrainSessionCache;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private timing: StepTiming = { feedMs: 0, runMs: 0, collectMs: 0 };
  /** Windows still expected of the pass `expectEvaluations` announced (0: none); a weight change ends it. */
  private passWindows = 0;
  /** Evaluation sessions with the current parameters as constants, by window shape. */
  private frozen = new Map<string, Promise<TrainSession>>();
  private evaluatedFrozen = false;

  constructor(
    readonly spec: ModelSpec,
    readonly backendId: string,
    private readonly engine: OrtEngine,
    weights: Weights,
    training: TrainingOptions,
    options: OnnxTrainableModelOptions = {},
  ) {
    this.training = training;
    this.lr = training.optimizer.lr;
    this.rng = new SeededRandom(training.seed);
    this.sessions = new TrainSessionCache(
      engine,
      spec,
      training,
      options.sessionCapacity ?? 16,
      options.sessionOptions ?? {},
    );
    this.prefixes = ["", ...optimizerBufferKinds(training.optimizer).map((kind) => `${kind}.`)];
    this.loadWeights(weights);
    this.loadBuffers((_, dims) => new Float32Array(sizeOf(dims)));
  }

  /** Sets every optimizer buffer (canonical key and shape) to `bufferData`'s, in the graphs' layout. */
  private loadBuffers(bufferData: (key: string, dims: readonly number[]) => Float32Array): void {
    const buffers = new Map<string, Stored>();
    for (const [key, dims] of optimizerBufferLayout(this.spec, this.training.optimizer)) {
      if (key !== "step") buffers.set(key, { dims, data: bufferData(key, dims) });
    }
    this.buffers = this.pack(buffers);
  }

  /** Canonical entries (parameters or buffers) in the graphs' layout. */
  private pack(entries: Map<string, Stored>): Map<string, Stored> {
    return this.prefixes.reduce((packed, prefix) => packDecoderEntries(packed, prefix), entries);
  }

  /** The graphs' layout back to canonical entries (the unpacked ones new arrays, the rest as they are). */
  private unpack(entries: Map<string, Stored>): Map<string, Stored> {
    return this.prefixes.reduce((out, prefix) => unpackDecoderEntries(out, prefix), entries);
  }

  /** The graphs' layout back to canonical entries, every tensor a copy of what the model holds. */
  private unpackCopy(entries: Map<string, Stored>): Map<string, Stored> {
    const canonical = this.unpack(entries);
    for (const [key, t] of canonical) {
      if (entries.get(key) === t) canonical.set(key, { dims: t.dims, data: t.data.slice() });
    }
    return canonical;
  }

  /** Whether the last `evaluate` ran on a session with the weights as constants (for tests and benchmarks). */
  get lastEvaluationFrozen(): boolean {
    return this.evaluatedFrozen;
  }

  /** Timing of the last `trainStep` (for benchmarks). */
  get lastStepTiming(): StepTiming {
    return this.timing;
  }

  /** Opens (or returns) the session of one graph, e.g. to warm up before timing. */
  async prepare(mode: TrainGraphMode, steps: number, batch: number): Promise<TrainSession> {
    this.live();
    return this.sessions.get(mode, steps, batch);
  }

  get learningRate(): number {
    return this.lr;
  }

  setLearningRate(lr: number): void {
    this.lr = checkLearningRate(lr);
  }

  private loadWeights(weights: Weights): void {
    validateWeights(this.spec, weights);
    const full = withTiedDecoder(this.spec, weights);
    const params = new Map<string, Stored>();
    for (const name of parameterNames(this.spec)) {
      const w = full[name];
      params.set(name, { dims: [...w.shape], data: new Float32Array(w.data) });
    }
    this.params = this.pack(params);
    this.weightsChanged();
  }

  /** Ends the evaluation pass and releases the sessions holding the old parameters. */
  private weightsChanged(): void {
    this.passWindows = 0;
    for (const pending of this.frozen.values()) {
      void pending.then((s) => this.engine.release(s.session)).catch(() => undefined);
    }
    this.frozen.clear();
  }

  expectEvaluations(windows: number): void {
    this.live();
    this.passWindows = windows;
  }

  /**
   * The session for one window of an announced evaluation pass with the parameters as constants,
   * opened where enough windows of the pass remain to pay for it; null outside a pass.
   */
  private frozenSession(steps: number, batch: number): Promise<TrainSession> | null {
    if (this.passWindows <= 0) return null;
    const windowsLeft = this.passWindows;
    this.passWindows -= 1;
    const key = `${steps}x${batch}`;
    let opened = this.frozen.get(key);
    if (opened === undefined) {
      if (windowsLeft < FROZEN_MIN_WINDOWS) return null;
      opened = this.sessions.openFrozen("evaluate", steps, batch, this.params);
      this.frozen.set(key, opened);
      opened.catch(() => this.frozen.delete(key));
    }
    return opened;
  }

  private live(): void {
    checkNotDisposed(this.disposed, this.backendId);
  }

  /** Runs `work` after every earlier call on this model has finished (steps read the weights the last one wrote). */
  private serial<R>(work: () => Promise<R>): Promise<R> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  beginState(batch: number, init?: StateInit): RecurrentState {
    this.live();
    return beginHostState(this.spec, batch, init);
  }

  /** Feeds shared by every mode: parameters (but where the graph has them as constants), ids and the state. */
  private async baseFeeds(ids: Int32Array, steps: number, batch: number, state: RecurrentState, params = true) {
    const feeds: Record<string, OrtTensor> = {};
    if (params) for (const [name, p] of this.params) feeds[name] = this.engine.float32(p.data, p.dims);
    feeds[TRAIN_IO.ids] = this.engine.int32(ids, [steps * batch]);
    checkState(this.spec, state, batch);
    const shape = stateShape(this.spec, batch);
    feeds[TRAIN_IO.h0] = this.engine.float32(await float32Data(state.h), shape);
    if (state.c !== undefined) feeds[TRAIN_IO.c0] = this.engine.float32(await float32Data(state.c), shape);
    return feeds;
  }

  private stateOf(outputs: Record<string, OrtTensor>, batch: number): RecurrentState {
    const shape = [this.spec.numLayers, batch, this.spec.hiddenSize];
    const h = HostTensor.float32(outputData(outputs, TRAIN_IO.hn), shape);
    if (!hasCellState(this.spec.cell)) return { h };
    return { h, c: HostTensor.float32(outputData(outputs, TRAIN_IO.cn), shape) };
  }

  private scalar(outputs: Record<string, OrtTensor>, name: string): number {
    return outputData(outputs, name)[0];
  }

  async forward(input: TimeMajorIds, state: RecurrentState): Promise<ForwardResult> {
    return this.serial(async () => {
      this.live();
      checkForwardInput(this.spec, input);
      const { steps, batch, ids } = input;
      if (steps === 0) return emptyForward(this.spec, state, batch);
      const { session } = await this.sessions.get("forward", steps, batch);
      const out = await this.engine.run(session, await this.baseFeeds(ids, steps, batch, state));
      const logits = HostTensor.float32(outputData(out, TRAIN_IO.logits), [steps * batch, this.spec.vocabSize]);
      return { logits, state: this.stateOf(out, batch) };
    });
  }

  /** Base feeds and the targets of a batch `checkTrainingBatch` accepted. */
  private async lossFeeds(batch: TimeMajorBatch, state: RecurrentState, params = true) {
    const feeds = await this.baseFeeds(batch.x, batch.steps, batch.batch, state, params);
    feeds[TRAIN_IO.targets] = this.engine.int32(batch.y, [batch.steps * batch.batch, 1]);
    return feeds;
  }

  /** Adds the row-selection feeds where the graph takes them; returns the distinct ids fed. */
  private addRowSelection(feeds: Record<string, OrtTensor>, opened: TrainSession, ids: Int32Array) {
    if (!opened.rowSelection) return null;
    const { select, index, unique } = rowSelection(ids, this.spec.vocabSize);
    feeds[TRAIN_IO.rowSelect] = this.engine.float32(select, [unique, ids.length]);
    feeds[TRAIN_IO.rowIndex] = this.engine.int64(index, [unique, 1]);
    return index;
  }

  async evaluate(batch: TimeMajorBatch, state: RecurrentState): Promise<LossResult> {
    return this.serial(async () => {
      this.live();
      checkTrainingBatch(this.spec, batch);
      const frozen = this.frozenSession(batch.steps, batch.batch);
      const feeds = await this.lossFeeds(batch, state, frozen === null);
      const { session } = await (frozen ?? this.sessions.get("evaluate", batch.steps, batch.batch));
      this.evaluatedFrozen = frozen !== null;
      const out = await this.engine.run(session, feeds);
      return { loss: this.scalar(out, TRAIN_IO.loss), state: this.stateOf(out, batch.batch) };
    });
  }

  async gradients(batch: TimeMajorBatch, state: RecurrentState): Promise<GradientResult> {
    return this.serial(async () => {
      this.live();
      checkTrainingBatch(this.spec, batch);
      const feeds = await this.lossFeeds(batch, state);
      const opened = await this.sessions.get("gradients", batch.steps, batch.batch);
      this.addRowSelection(feeds, opened, batch.x);
      const out = await this.engine.run(opened.session, feeds);
      const packed = new Map<string, Stored>();
      for (const [name, p] of this.params) packed.set(name, { dims: p.dims, data: outputData(out, gradName(name)) });
      const grads: Weights = {};
      for (const [name, t] of this.unpack(packed)) {
        grads[name] = { shape: [...t.dims], data: t.data };
      }
      return { loss: this.scalar(out, TRAIN_IO.loss), grads, state: this.stateOf(out, batch.batch) };
    });
  }

  async trainStep(batch: TimeMajorBatch, state: RecurrentState): Promise<TrainStepResult> {
    return this.serial(async () => {
      this.live();
      checkTrainingBatch(this.spec, batch);
      const opened = await this.sessions.get("train", batch.steps, batch.batch);
      const { session, masks } = opened;
      const t1 = performance.now();
      const feeds = await this.lossFeeds(batch, state);
      const rowIds = this.addRowSelection(feeds, opened, batch.x);
      for (const [key, b] of this.buffers) feeds[key] = this.engine.float32(b.data, b.dims);
      feeds[TRAIN_IO.lr] = this.engine.float32(Float32Array.of(this.lr), []);
      const opt = this.training.optimizer;
      const step = this.adamStep + 1;
      if (opt.type === "adam") {
        feeds[TRAIN_IO.adamStepSize] = this.engine.float32(Float32Array.of(this.lr / (1 - opt.beta1 ** step)), []);
        feeds[TRAIN_IO.adamBias2Sqrt] = this.engine.float32(Float32Array.of(Math.sqrt(1 - opt.beta2 ** step)), []);
      }
      const drawn = drawDropoutMasks(this.spec, batch.steps, batch.batch, this.rng);
      const N = batch.steps * batch.batch;
      const H = this.spec.hiddenSize;
      if (masks.input && drawn.input !== null) {
        feeds[TRAIN_IO.maskInput] = this.engine.float32(drawn.input, [N, drawn.input.length / N]);
      }
      drawn.between.forEach((m, k) => {
        if (masks.between[k] && m !== null) feeds[maskBetween(k)] = this.engine.float32(m, [N, H]);
      });
      if (masks.output && drawn.output !== null) feeds[TRAIN_IO.maskOutput] = this.engine.float32(drawn.output, [N, H]);
      const t2 = performance.now();
      const out = await this.engine.run(session, feeds);
      const t3 = performance.now();
      checkFiniteStep(this.scalar(out, TRAIN_IO.loss), this.scalar(out, TRAIN_IO.gradNorm));
      for (const [name, p] of this.params) {
        if (opened.embeddingRows && name === EMBEDDING) writeRows(p, outputData(out, updatedRowsName(name)), rowIds);
        else p.data = outputData(out, updatedName(name));
      }
      for (const [key, b] of this.buffers) b.data = outputData(out, updatedName(key));
      this.weightsChanged();
      if (opt.type === "adam") this.adamStep = step;
      const result = {
        loss: this.scalar(out, TRAIN_IO.loss),
        gradNorm: this.scalar(out, TRAIN_IO.gradNorm),
        state: this.stateOf(out, batch.batch),
      };
      this.timing = { feedMs: t2 - t1, runMs: t3 - t2, collectMs: performance.now() - t3 };
      return result;
    });
  }

  async getWeights(): Promise<Weights> {
    this.live();
    await this.queue;
    const out: Weights = {};
    for (const [name, p] of this.unpackCopy(this.params)) out[name] = { shape: [...p.dims], data: p.data };
    return withTiedDecoder(this.spec, out);
  }

  async setWeights(weights: Weights): Promise<void> {
    this.live();
    await this.serial(async () => this.loadWeights(weights));
  }

  async getOptimizerState(): Promise<Weights> {
    this.live();
    await this.queue;
    const out: Weights = {};
    for (const [key, b] of this.unpackCopy(this.buffers)) out[key] = { shape: [...b.dims], data: b.data };
    if (this.training.optimizer.type === "adam") out.step = { shape: [1], data: Float64Array.of(this.adamStep) };
    return out;
  }

  async setOptimizerState(state: Weights): Promise<void> {
    this.live();
    await this.serial(async () => this.restoreBuffers(state));
  }

  private restoreBuffers(state: Weights): void {
    const { step } = validateOptimizerState(this.spec, this.training.optimizer, state);
    this.adamStep = step;
    this.loadBuffers((key) => new Float32Array(state[key].data));
  }

  getRandomState(): RandomState {
    return this.rng.getState();
  }

  setRandomState(state: RandomState): void {
    this.rng = SeededRandom.fromState(state);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.weightsChanged();
    this.sessions.releaseAll();
  }
}
