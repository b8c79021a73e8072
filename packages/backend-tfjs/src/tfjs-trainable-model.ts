import {
  type GradientResult,
  type LossResult,
  type ModelSpec,
  type RandomState,
  type RecurrentState,
  SeededRandom,
  type TimeMajorBatch,
  type TrainableModel,
  type TrainingOptions,
  type TrainStepResult,
  type Weights,
} from "@rnnlm/core";
import {
  checkFiniteStep,
  checkLearningRate,
  checkTrainingBatch,
  clipCoefficient,
  type DropoutMasks,
  drawDropoutMasks,
  hasDropout,
  optimizerBufferLayout,
  parameterNames,
  sizeOf,
  sumOfSquares,
  validateOptimizerState,
} from "@rnnlm/core/backend";
import * as tf from "@tensorflow/tfjs-core";
import type { LoadedDevice } from "./devices.js";
import { type NetworkRun, runNetwork } from "./network.js";
import { applyUpdate } from "./optimizer.js";
import { toInternal } from "./parameter-layout.js";
import { TfjsModel } from "./tfjs-model.js";
import { TfjsTensor } from "./tfjs-tensor.js";

interface StepTensors {
  h: tf.Tensor;
  c?: tf.Tensor;
  [key: string]: tf.Tensor | undefined;
}

/**
 * A model that trains on its tfjs device: `trainStep` runs forward, the hand-written
 * backward pass, global-norm clipping and the optimizer update in one `tf.tidy`, and
 * reads back only the loss and the gradient norm.
 */
export class TfjsTrainableModel extends TfjsModel implements TrainableModel {
  readonly training: TrainingOptions;
  private lr: number;
  private buffers = new Map<string, tf.Tensor>();
  private step = 0;
  private rng: SeededRandom;

  constructor(spec: ModelSpec, device: LoadedDevice, weights: Weights, training: TrainingOptions) {
    super(spec, device, weights);
    this.training = training;
    this.lr = training.optimizer.lr;
    this.rng = new SeededRandom(training.seed);
  }

  get learningRate(): number {
    return this.lr;
  }

  setLearningRate(lr: number): void {
    this.lr = checkLearningRate(lr);
  }

  private static detached(h: tf.Tensor, c: tf.Tensor | undefined): RecurrentState {
    return c === undefined ? { h: new TfjsTensor(h) } : { h: new TfjsTensor(h), c: new TfjsTensor(c) };
  }

  /** The network over one batch from the state tensors (inside the caller's `tf.tidy`). */
  private run(
    batch: TimeMajorBatch,
    st: { h: tf.Tensor; c: tf.Tensor | null },
    masks: DropoutMasks | null,
    record: boolean,
  ): NetworkRun {
    return runNetwork(this.spec, this.params, {
      ids: batch.x,
      targets: batch.y,
      steps: batch.steps,
      batch: batch.batch,
      h: st.h,
      c: st.c,
      masks,
      record,
    });
  }

  async trainStep(batch: TimeMajorBatch, state: RecurrentState): Promise<TrainStepResult> {
    this.enter();
    checkTrainingBatch(this.spec, batch);
    const st = this.stateTensors(state, batch.batch);
    const masks = hasDropout(this.spec) ? drawDropoutMasks(this.spec, batch.steps, batch.batch, this.rng) : null;
    const step = this.step + 1;
    const names = parameterNames(this.spec);
    let out: {
      result: StepTensors;
      params: Map<string, tf.Tensor>;
      buffers: Map<string, tf.Tensor>;
      norm: number;
      loss: number;
    };
    try {
      const forward = tf.tidy(() => {
        const run = this.run(batch, st, masks, true);
        if (run.backward === null || run.loss === null) throw new Error("internal: training run not recorded");
        const kept: Record<string, tf.Tensor> = { loss: run.loss, h: run.h };
        if (run.c !== null) kept.c = run.c;
        for (const [name, g] of run.backward()) kept[`grad:${name}`] = g;
        return kept;
      });
      const grads = new Map(names.map((name) => [name, forward[`grad:${name}`]]));
      // The clipping norm is summed on the host in float64 (core's clipCoefficient): tf.sum in
      // float32 drifts by up to 1e-3 relative over millions of values.
      const values = await Promise.all(names.map((name) => (grads.get(name) as tf.Tensor).data<"float32">()));
      const norm = Math.sqrt(sumOfSquares(values));
      const lossValue = (await (forward.loss as tf.Scalar).data())[0];
      if (!(Number.isFinite(lossValue) && Number.isFinite(norm))) {
        for (const t of Object.values(forward)) t.dispose();
        checkFiniteStep(lossValue, norm);
      }
      const coef = clipCoefficient(norm, this.training.clip);
      const flat = tf.tidy(() => {
        const clipped = new Map<string, tf.Tensor>();
        for (const name of names) {
          const g = grads.get(name) as tf.Tensor;
          clipped.set(name, coef === 1 ? g : tf.mul(g, tf.scalar(coef)));
        }
        const update = applyUpdate(this.training.optimizer, this.lr, this.params, clipped, this.buffers, step);
        const kept: Record<string, tf.Tensor> = {};
        for (const [name, t] of update.params) kept[`param:${name}`] = t;
        for (const [name, t] of update.buffers) kept[`buffer:${name}`] = t;
        return kept;
      });
      for (const g of grads.values()) g.dispose();
      const params = new Map<string, tf.Tensor>();
      const buffers = new Map<string, tf.Tensor>();
      for (const [key, t] of Object.entries(flat)) {
        if (key.startsWith("param:")) params.set(key.slice(6), t);
        else if (key.startsWith("buffer:")) buffers.set(key.slice(7), t);
      }
      forward.loss.dispose();
      const result: StepTensors = { h: forward.h, c: forward.c };
      out = { result, params, buffers, norm, loss: lossValue };
    } finally {
      st.release();
    }
    for (const t of this.params.values()) t.dispose();
    for (const t of this.buffers.values()) t.dispose();
    this.params = out.params;
    this.buffers = out.buffers;
    this.step = step;
    return {
      loss: out.loss,
      gradNorm: out.norm,
      state: TfjsTrainableModel.detached(out.result.h, out.result.c),
    };
  }

  async evaluate(batch: TimeMajorBatch, state: RecurrentState): Promise<LossResult> {
    this.enter();
    checkTrainingBatch(this.spec, batch);
    const st = this.stateTensors(state, batch.batch);
    try {
      const out = tf.tidy(() => {
        const run = this.run(batch, st, null, false);
        const kept: Record<string, tf.Tensor> = { loss: run.loss as tf.Scalar, h: run.h };
        if (run.c !== null) kept.c = run.c;
        return kept;
      });
      const loss = (await out.loss.data())[0];
      out.loss.dispose();
      return { loss, state: TfjsTrainableModel.detached(out.h, out.c) };
    } finally {
      st.release();
    }
  }

  async gradients(batch: TimeMajorBatch, state: RecurrentState): Promise<GradientResult> {
    this.enter();
    checkTrainingBatch(this.spec, batch);
    const st = this.stateTensors(state, batch.batch);
    try {
      const out = tf.tidy(() => {
        const run = this.run(batch, st, null, true);
        if (run.backward === null) throw new Error("internal: gradient run not recorded");
        const grads = run.backward();
        const kept: Record<string, tf.Tensor> = { loss: run.loss as tf.Scalar, h: run.h };
        if (run.c !== null) kept.c = run.c;
        for (const [name, g] of grads) kept[`grad:${name}`] = g;
        return kept;
      });
      const grads = new Map<string, tf.Tensor>();
      for (const [key, t] of Object.entries(out)) if (key.startsWith("grad:")) grads.set(key.slice(5), t);
      const canonical = await this.readCanonical(grads);
      for (const g of grads.values()) g.dispose();
      const loss = (await out.loss.data())[0];
      out.loss.dispose();
      return { loss, grads: canonical, state: TfjsTrainableModel.detached(out.h, out.c) };
    } finally {
      st.release();
    }
  }

  /** Every buffer of core's layout: before the first step the buffers are zeros (and Adam's step 0). */
  async getOptimizerState(): Promise<Weights> {
    this.enter();
    const out = await this.readCanonical(this.buffers);
    for (const [key, shape] of optimizerBufferLayout(this.spec, this.training.optimizer)) {
      out[key] ??= { shape: [...shape], data: new Float32Array(sizeOf(shape)) };
    }
    return out;
  }

  async setOptimizerState(state: Weights): Promise<void> {
    this.enter();
    const { step } = validateOptimizerState(this.spec, this.training.optimizer, state);
    const layout = optimizerBufferLayout(this.spec, this.training.optimizer);
    const next = new Map<string, tf.Tensor>();
    for (const [key, w] of Object.entries(state)) {
      const shape = layout.get(key) ?? w.shape;
      next.set(key, key === "step" ? tf.tensor1d([w.data[0]], "float32") : toInternal(key, { shape, data: w.data }));
    }
    for (const t of this.buffers.values()) t.dispose();
    this.buffers = next;
    this.step = step;
  }

  getRandomState(): RandomState {
    return this.rng.getState();
  }

  setRandomState(state: RandomState): void {
    this.rng = SeededRandom.fromState(state);
  }

  override dispose(): void {
    for (const t of this.buffers.values()) t.dispose();
    this.buffers.clear();
    super.dispose();
  }
}
