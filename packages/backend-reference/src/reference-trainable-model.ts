import {
  type GradientResult,
  type LossResult,
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
  canonicalWeightShapes,
  checkFiniteStep,
  checkLearningRate,
  checkTrainingBatch,
  drawDropoutMasks,
  noDropout,
  optimizerBufferLayout,
  parameterNames,
  validateOptimizerState,
} from "@rnnlm/core/backend";
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
    this.optimizer.lr = checkLearningRate(lr);
  }

  async trainStep(batch: TimeMajorBatch, state: RecurrentState): Promise<TrainStepResult> {
    const s = this.readBatch(batch, state);
    const masks = drawDropoutMasks(this.spec, batch.steps, batch.batch, this.rng, "float64");
    const trace = forwardPass(this.spec, this.params, batch.x, batch.steps, batch.batch, s.h, s.c, masks);
    const { loss, grads } = backwardPass(this.params, trace, batch.y);
    const gradNorm = clipGradNorm(grads, parameterNames(this.spec), this.training.clip);
    checkFiniteStep(loss, gradNorm);
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
    const layout = optimizerBufferLayout(this.spec, this.training.optimizer);
    const out: Weights = {};
    for (const [key, data] of Object.entries(this.optimizer.buffers())) {
      out[key] = { shape: layout.get(key) ?? [data.length], data };
    }
    return out;
  }

  async setOptimizerState(state: Weights): Promise<void> {
    this.checkAlive();
    const { step } = validateOptimizerState(this.spec, this.training.optimizer, state);
    const buffers: Record<string, ArrayLike<number>> = {};
    for (const [key, t] of Object.entries(state)) if (key !== "step") buffers[key] = t.data;
    this.optimizer.restore(buffers, step);
  }

  getRandomState(): RandomState {
    return this.rng.getState();
  }

  setRandomState(state: RandomState): void {
    this.rng = SeededRandom.fromState(state);
  }

  private readBatch(batch: TimeMajorBatch, state: RecurrentState) {
    this.checkAlive();
    checkTrainingBatch(this.spec, batch);
    return this.readState(state, batch.batch);
  }
}
