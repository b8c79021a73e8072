import {
  CheckpointError,
  canonicalWeightShapes,
  drawDropoutMasks,
  type ForwardResult,
  type GradientResult,
  HostTensor,
  hasCellState,
  type LossResult,
  type ModelSpec,
  parameterNames,
  type RandomState,
  type RecurrentState,
  RnnlmError,
  SeededRandom,
  ShapeError,
  SpecError,
  type StateInit,
  sizeOf,
  type Tensor,
  type TimeMajorBatch,
  type TimeMajorIds,
  type TrainableModel,
  type TrainingOptions,
  type TrainStepResult,
  validateWeights,
  type Weights,
  withTiedDecoder,
} from "@rnnlm/core";
import type { OrtEngine } from "../ort-engine.js";
import type { OrtSessionOptions, OrtTensor } from "../ort-types.js";
import { optimizerBufferNames } from "./optimizer-graph.js";
import { rowSelection } from "./row-selection.js";
import type { TrainGraphMode } from "./train-graph.js";
import { gradName, maskBetween, TRAIN_IO, updatedName } from "./train-io.js";
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

interface Stored {
  readonly dims: readonly number[];
  data: Float32Array;
}

function outputData(outputs: Record<string, OrtTensor>, name: string): Float32Array {
  const t = outputs[name];
  if (t === undefined || !(t.data instanceof Float32Array)) {
    throw new RnnlmError("ERR_ONNX_RUNTIME", `ONNX Runtime returned no float32 output "${name}"`);
  }
  return t.data;
}

/**
 * A {@link TrainableModel} whose every step runs as one ONNX graph on ONNX Runtime: forward
 * (with dropout masks drawn on the host), backpropagation through time, global-norm clipping and
 * the optimizer update (see `buildTrainGraph`). Parameters and optimizer buffers live in host
 * memory as float32 in canonical layout; each step feeds them in and takes the updated ones back
 * (no other copy). The state is carried by the caller and is detached by construction: each
 * window's graph starts from `h0`/`c0` as plain inputs.
 */
export class OnnxTrainableModel implements TrainableModel {
  readonly training: TrainingOptions;
  private readonly params = new Map<string, Stored>();
  private readonly buffers = new Map<string, Stored>();
  private adamStep = 0;
  private lr: number;
  private rng: SeededRandom;
  private readonly sessions: TrainSessionCache;
  private disposed = false;
  private queue: Promise<unknown> = Promise.resolve();
  private timing: StepTiming = { feedMs: 0, runMs: 0, collectMs: 0 };

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
    this.loadWeights(weights);
    const shapes = new Map(canonicalWeightShapes(spec));
    for (const name of parameterNames(spec)) {
      const dims = shapes.get(name) ?? [];
      for (const key of optimizerBufferNames(training, name)) {
        this.buffers.set(key, { dims, data: new Float32Array(sizeOf(dims)) });
      }
    }
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
    if (!(Number.isFinite(lr) && lr > 0)) throw new SpecError(`learning rate must be a positive number, got ${lr}`);
    this.lr = lr;
  }

  private loadWeights(weights: Weights): void {
    validateWeights(this.spec, weights);
    const full = withTiedDecoder(this.spec, weights);
    for (const name of parameterNames(this.spec)) {
      const w = full[name];
      this.params.set(name, { dims: [...w.shape], data: new Float32Array(w.data) });
    }
  }

  private live(): void {
    if (this.disposed) throw new RnnlmError("ERR_DISPOSED", `this ${this.backendId} model was disposed`);
  }

  /** Runs `work` after every earlier call on this model has finished (steps read the weights the last one wrote). */
  private serial<R>(work: () => Promise<R>): Promise<R> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  beginState(batch: number, init?: StateInit): RecurrentState {
    if (!Number.isInteger(batch) || batch < 1) throw new ShapeError(`batch must be a positive integer, got ${batch}`);
    const shape = [this.spec.numLayers, batch, this.spec.hiddenSize];
    const n = sizeOf(shape);
    const make = (values: Float32Array | undefined, name: string): HostTensor<"float32"> => {
      if (values === undefined) return HostTensor.float32(new Float32Array(n), shape);
      if (values.length !== n) {
        throw new ShapeError(`initial state ${name} needs layers·batch·hidden = ${n} values, got ${values.length}`);
      }
      return HostTensor.float32(values.slice(), shape);
    };
    const h = make(init?.h, "h");
    return hasCellState(this.spec.cell) ? { h, c: make(init?.c, "c") } : { h };
  }

  private async stateFeed(
    tensor: Tensor<"float32"> | undefined,
    name: string,
    batch: number,
  ): Promise<{ data: Float32Array; dims: number[] }> {
    const { numLayers: L, hiddenSize: H } = this.spec;
    if (tensor === undefined) throw new ShapeError(`an ${this.spec.cell} model needs state.${name}; use beginState()`);
    const s = tensor.shape;
    if (s.length !== 3 || s[0] !== L || s[1] !== batch || s[2] !== H) {
      throw new ShapeError(`state.${name} has shape [${s.join(", ")}], expected [${L}, ${batch}, ${H}]`);
    }
    const data = await tensor.data();
    return { data: data instanceof Float32Array ? data : Float32Array.from(data), dims: [L, batch, H] };
  }

  private checkIds(ids: Int32Array, steps: number, batch: number, what: string): void {
    if (!Number.isInteger(steps) || steps < 1 || !Number.isInteger(batch) || batch < 1) {
      throw new ShapeError(`${what} needs steps ≥ 1 and batch ≥ 1 (integers), got steps ${steps}, batch ${batch}`);
    }
    if (ids.length !== steps * batch) {
      throw new ShapeError(`${what}: ${steps} steps × ${batch} rows need ${steps * batch} ids, got ${ids.length}`);
    }
    const V = this.spec.vocabSize;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!(id >= 0 && id < V)) {
        throw new ShapeError(`${what}: token id ${id} at position ${i} is outside the vocabulary [0, ${V})`);
      }
    }
  }

  /** Feeds shared by every mode: parameters, ids and the state. */
  private async baseFeeds(ids: Int32Array, steps: number, batch: number, state: RecurrentState) {
    const feeds: Record<string, OrtTensor> = {};
    for (const [name, p] of this.params) feeds[name] = this.engine.float32(p.data, p.dims);
    feeds[TRAIN_IO.ids] = this.engine.int32(ids, [steps * batch]);
    const h = await this.stateFeed(state.h, "h", batch);
    feeds[TRAIN_IO.h0] = this.engine.float32(h.data, h.dims);
    if (hasCellState(this.spec.cell)) {
      const c = await this.stateFeed(state.c, "c", batch);
      feeds[TRAIN_IO.c0] = this.engine.float32(c.data, c.dims);
    }
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
      const { steps, batch, ids } = input;
      if (steps === 0 && Number.isInteger(batch) && batch >= 1) {
        const shape = [this.spec.numLayers, batch, this.spec.hiddenSize];
        const h = await this.stateFeed(state.h, "h", batch);
        const copy: RecurrentState = { h: HostTensor.float32(h.data.slice(), shape) };
        const logits = HostTensor.float32(new Float32Array(0), [0, this.spec.vocabSize]);
        if (!hasCellState(this.spec.cell)) return { logits, state: copy };
        const c = await this.stateFeed(state.c, "c", batch);
        return { logits, state: { ...copy, c: HostTensor.float32(c.data.slice(), shape) } };
      }
      this.checkIds(ids, steps, batch, "forward input");
      const { session } = await this.sessions.get("forward", steps, batch);
      const out = await this.engine.run(session, await this.baseFeeds(ids, steps, batch, state));
      const logits = HostTensor.float32(outputData(out, TRAIN_IO.logits), [steps * batch, this.spec.vocabSize]);
      return { logits, state: this.stateOf(out, batch) };
    });
  }

  private async lossFeeds(batch: TimeMajorBatch, state: RecurrentState) {
    this.checkIds(batch.x, batch.steps, batch.batch, "batch x");
    this.checkIds(batch.y, batch.steps, batch.batch, "batch y");
    const feeds = await this.baseFeeds(batch.x, batch.steps, batch.batch, state);
    feeds[TRAIN_IO.targets] = this.engine.int32(batch.y, [batch.steps * batch.batch, 1]);
    return feeds;
  }

  private addRowSelection(feeds: Record<string, OrtTensor>, opened: TrainSession, ids: Int32Array): void {
    if (!opened.rowSelection) return;
    const { select, index, unique } = rowSelection(ids, this.spec.vocabSize);
    feeds[TRAIN_IO.rowSelect] = this.engine.float32(select, [unique, ids.length]);
    feeds[TRAIN_IO.rowIndex] = this.engine.int64(index, [unique, 1]);
  }

  async evaluate(batch: TimeMajorBatch, state: RecurrentState): Promise<LossResult> {
    return this.serial(async () => {
      this.live();
      const feeds = await this.lossFeeds(batch, state);
      const { session } = await this.sessions.get("evaluate", batch.steps, batch.batch);
      const out = await this.engine.run(session, feeds);
      return { loss: this.scalar(out, TRAIN_IO.loss), state: this.stateOf(out, batch.batch) };
    });
  }

  async gradients(batch: TimeMajorBatch, state: RecurrentState): Promise<GradientResult> {
    return this.serial(async () => {
      this.live();
      const feeds = await this.lossFeeds(batch, state);
      const opened = await this.sessions.get("gradients", batch.steps, batch.batch);
      this.addRowSelection(feeds, opened, batch.x);
      const out = await this.engine.run(opened.session, feeds);
      const grads: Weights = {};
      for (const [name, p] of this.params) grads[name] = { shape: [...p.dims], data: outputData(out, gradName(name)) };
      return { loss: this.scalar(out, TRAIN_IO.loss), grads, state: this.stateOf(out, batch.batch) };
    });
  }

  async trainStep(batch: TimeMajorBatch, state: RecurrentState): Promise<TrainStepResult> {
    return this.serial(async () => {
      this.live();
      const opened = await this.sessions.get("train", batch.steps, batch.batch);
      const { session, masks } = opened;
      const t1 = performance.now();
      const feeds = await this.lossFeeds(batch, state);
      this.addRowSelection(feeds, opened, batch.x);
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
      for (const [name, p] of this.params) p.data = outputData(out, updatedName(name));
      for (const [key, b] of this.buffers) b.data = outputData(out, updatedName(key));
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
    for (const [name, p] of this.params) out[name] = { shape: [...p.dims], data: p.data.slice() };
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
    for (const [key, b] of this.buffers) out[key] = { shape: [...b.dims], data: b.data.slice() };
    if (this.training.optimizer.type === "adam") out.step = { shape: [1], data: Float64Array.of(this.adamStep) };
    return out;
  }

  async setOptimizerState(state: Weights): Promise<void> {
    this.live();
    await this.serial(async () => this.restoreBuffers(state));
  }

  private restoreBuffers(state: Weights): void {
    const adam = this.training.optimizer.type === "adam";
    const expected = [...this.buffers.keys(), ...(adam ? ["step"] : [])];
    const opt = this.training.optimizer;
    const what = opt.type === "sgd" ? `SGD (momentum ${opt.momentum})` : opt.type === "adam" ? "Adam" : "RMSprop";
    for (const key of Object.keys(state)) {
      if (!expected.includes(key)) {
        throw new CheckpointError(
          `unexpected optimizer buffer "${key}" for ${what} (expected: ${expected.join(", ") || "none"}); was the state saved with another optimizer?`,
        );
      }
    }
    for (const key of expected) {
      const given = state[key];
      if (given === undefined) {
        throw new CheckpointError(
          `missing optimizer buffer "${key}" for ${what}; was the state saved with another optimizer?`,
        );
      }
      const n = key === "step" ? 1 : (this.buffers.get(key)?.data.length ?? 0);
      if (given.data.length !== n) {
        throw new CheckpointError(`optimizer buffer "${key}" holds ${given.data.length} values, expected ${n}`);
      }
    }
    if (adam) {
      const step = state.step.data[0];
      if (!Number.isInteger(step) || step < 0) {
        throw new CheckpointError(`optimizer buffer "step" must be a non-negative integer, got ${step}`);
      }
      this.adamStep = step;
    }
    for (const [key, b] of this.buffers) b.data = new Float32Array(state[key].data);
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
    this.sessions.releaseAll();
  }
}
