import {
  drawDropoutMasks,
  noDropout,
  canonicalWeightShapes,
  type GradientResult,
  type LossResult,
  parameterNames,
  type RandomState,
  type RecurrentState,
  SeededRandom,
  SpecError,
  type TimeMajorBatch,
  type TrainableModel,
  type TrainingOptions,
  type TrainStepResult,
  type Weights,
} from "@rnnlm/core";
import { backwardPass, lossOf } from "./backward.js";
import { clipGradNorm } from "./clip-grad-norm.js";
import { forwardPass } from "./forward.js";
import { OptimizerState } from "./optimizer-state.js";
import { ReferenceModel } from "./reference-model.js";

/**
 * The reference model with training: forward, hand-derived BPTT, PyTorch's global-norm
 * clipping (`clipGradNorm`: g ← g·min(1, clip/(‖g‖ + 1e-6))) and PyTorch's SGD/Adam
 * (`OptimizerState`), all in float64.
 */
export class ReferenceTrainableModel extends ReferenceModel implements TrainableModel {
  readonly training: TrainingOptions;
  private readonly optimizer: OptimizerState;
  private rng: SeededRandom;

  constructor(spec: ReferenceModel["spec"], weights: Weights, training: TrainingOptions) {
    super(spec, weights);
    this.training = training;
    this.rng = new SeededRandom(training.seed);
    this.optimizer = new OptimizerState(training.optimizer, this.params, parameterNames(spec));
  }

  get learningRate(): number {
    return this.optimizer.lr;
  }

  setLearningRate(lr: number): void {
    if (!(Number.isFinite(lr) && lr > 0)) throw new SpecError(`learning rate must be a positive number, got ${lr}`);
    this.optimizer.lr = lr;
  }

  async trainStep(batch: TimeMajorBatch, state: RecurrentState): Promise<TrainStepResult> {
    const s = this.readBatch(batch, state);
    const masks = drawDropoutMasks(this.spec, batch.steps, batch.batch, this.rng, "float64");
    const trace = forwardPass(this.spec, this.params, batch.x, batch.steps, batch.batch, s.h, s.c, masks);
    const { loss, grads } = backwardPass(this.params, trace, batch.y);
    const gradNorm = clipGradNorm(grads, parameterNames(this.spec), this.training.clip);
    this.optimizer.apply(this.params, grads);
    return { loss, gradNorm, state: this.toState(trace.h, trace.c, batch.batch) };
  }

  /** The forward pass with dropout off, keeping what backward needs. */
  private evaluationTrace(batch: TimeMajorBatch, state: RecurrentState) {
    const s = this.readBatch(batch, state);
    return forwardPass(
      this.spec,
      this.params,
      batch.x,
      batch.steps,
      batch.batch,
      s.h,
      s.c,
      noDropout<Float64Array>(this.spec),
    );
  }

  async evaluate(batch: TimeMajorBatch, state: RecurrentState): Promise<LossResult> {
    const trace = this.evaluationTrace(batch, state);
    return { loss: lossOf(trace, batch.y), state: this.toState(trace.h, trace.c, batch.batch) };
  }

  /** Raw float64 gradients keyed by `parameterNames(spec)` (tied: summed into `encoder.weight`). */
  async gradients(batch: TimeMajorBatch, state: RecurrentState): Promise<GradientResult> {
    const trace = this.evaluationTrace(batch, state);
    const { loss, grads } = backwardPass(this.params, trace, batch.y);
    const shapes = new Map(canonicalWeightShapes(this.spec));
    const out: Weights = {};
    for (const name of parameterNames(this.spec)) out[name] = { shape: shapes.get(name) ?? [], data: grads[name] };
    return { loss, grads: out, state: this.toState(trace.h, trace.c, batch.batch) };
  }

  async getOptimizerState(): Promise<Weights> {
    this.checkAlive();
    const shapes = new Map(canonicalWeightShapes(this.spec));
    const out: Weights = {};
    for (const [key, data] of Object.entries(this.optimizer.buffers())) {
      const param = key.slice(key.indexOf(".") + 1);
      out[key] = { shape: key === "step" ? [1] : (shapes.get(param) ?? [data.length]), data };
    }
    return out;
  }

  async setOptimizerState(state: Weights): Promise<void> {
    this.checkAlive();
    const buffers: Record<string, ArrayLike<number>> = {};
    for (const [key, t] of Object.entries(state)) buffers[key] = t.data;
    this.optimizer.restore(buffers);
  }

  getRandomState(): RandomState {
    return this.rng.getState();
  }

  setRandomState(state: RandomState): void {
    this.rng = SeededRandom.fromState(state);
  }

  private readBatch(batch: TimeMajorBatch, state: RecurrentState) {
    this.checkAlive();
    this.checkIds(batch.x, batch.steps, batch.batch, "batch x");
    this.checkIds(batch.y, batch.steps, batch.batch, "batch y");
    return this.readState(state, batch.batch);
  }
}
