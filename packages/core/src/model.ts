import type { TimeMajorBatch } from "./batch.js";
import type { TrainingOptions } from "./optimizer.js";
import type { RandomState } from "./random.js";
import type { ModelSpec } from "./spec.js";
import type { Tensor } from "./tensor.js";
import type { Weights } from "./weights.js";

/** Recurrent state as PyTorch lays it out: `h` (and `c` for LSTM) of shape (layers, batch, hidden). */
export interface RecurrentState {
  readonly h: Tensor<"float32">;
  readonly c?: Tensor<"float32">;
}

/** Initial state values, (layers · batch · hidden) each, row-major. */
export interface StateInit {
  readonly h: Float32Array;
  readonly c?: Float32Array;
}

/** Token ids, time-major: `ids[t·batch + b]`. */
export interface TimeMajorIds {
  readonly ids: Int32Array;
  readonly steps: number;
  readonly batch: number;
}

export interface ForwardResult {
  /** (steps · batch, vocab), time-major rows: row `t·batch + b`. */
  readonly logits: Tensor<"float32">;
  readonly state: RecurrentState;
}

/** What {@link Model.greedySteps} returns. */
export interface GreedyStepsResult {
  /** The token chosen after each step: `ids[i]` is the argmax (the first on ties) of step i's logits. */
  readonly ids: Int32Array;
  /** The state after the last step (`first` and `ids[0 … count − 2]` fed). */
  readonly state: RecurrentState;
  /** The last step's logits (vocab), whose argmax is the last of `ids`. */
  readonly logits: Float32Array;
}

/**
 * An inference model: every backend implements this. Calls never dispose their inputs:
 * the caller disposes states and logits it no longer needs ({@link disposeState}).
 */
export interface Model {
  readonly spec: ModelSpec;
  /** e.g. "tfjs:wasm", "onnx:cpu", "reference". */
  readonly backendId: string;
  /** Zero state for `batch` rows, or the given values. */
  beginState(batch: number, init?: StateInit): RecurrentState;
  /** Runs the recurrence over all steps (no dropout). */
  forward(input: TimeMajorIds, state: RecurrentState): Promise<ForwardResult>;
  /**
   * Optional, batch 1: `count` greedy steps in one call. Feeds `first`, then each chosen token
   * in turn, exactly as `count` one-step `forward` calls with an argmax after each would.
   * Backends implement it where a call costs more than a step (ONNX Runtime); core's
   * `TextGenerator` uses it for greedy generation when it is there.
   */
  greedySteps?(first: number, count: number, state: RecurrentState): Promise<GreedyStepsResult>;
  /** Canonical weights (both keys when tied). */
  getWeights(): Promise<Weights>;
  setWeights(weights: Weights): Promise<void>;
  dispose(): void;
}

export interface LossResult {
  /** Mean softmax cross-entropy over the batch's steps · batch targets. */
  readonly loss: number;
  /** State after the last step, detached from any graph. */
  readonly state: RecurrentState;
}

export interface GradientResult extends LossResult {
  /** d loss / d parameter, keyed by `parameterNames(spec)` of `@rnnlm/core/backend` (tied: only `encoder.weight`). */
  readonly grads: Weights;
}

export interface TrainStepResult extends LossResult {
  /** Global L2 norm of the gradient before clipping. */
  readonly gradNorm: number;
}

/**
 * A model a backend can train. `trainStep` does forward, backward, global-norm clipping
 * and the optimizer update inside the backend, so the backend can fuse the whole step.
 */
export interface TrainableModel extends Model {
  readonly training: TrainingOptions;
  /**
   * One optimisation step on `batch` from `state` (dropout on, per the spec). A NaN or infinite
   * loss or gradient norm throws `NonFiniteLossError` and updates nothing (`checkFiniteStep`).
   */
  trainStep(batch: TimeMajorBatch, state: RecurrentState): Promise<TrainStepResult>;
  /** Loss without updating anything (dropout off). */
  evaluate(batch: TimeMajorBatch, state: RecurrentState): Promise<LossResult>;
  /**
   * Optional hint: the next `windows` calls of `evaluate` come with the weights as they are now
   * (a whole evaluation pass: `evaluatePerplexity` says so). A backend may prepare for them,
   * e.g. compile the weights into its evaluation graph, which pays off only over many windows;
   * any change of the weights (a step, `setWeights`) ends the pass. Losses are the same with or
   * without it, to float32 rounding.
   */
  expectEvaluations?(windows: number): void;
  /** Loss and raw gradients (no clipping, no update, dropout off). */
  gradients(batch: TimeMajorBatch, state: RecurrentState): Promise<GradientResult>;
  readonly learningRate: number;
  setLearningRate(lr: number): void;
  /**
   * Optimizer buffers keyed `momentum.<param>`, `exp_avg.<param>`, `exp_avg_sq.<param>`, `square_avg.<param>`,
   * plus `step` (shape [1]) for Adam; empty for plain SGD.
   */
  getOptimizerState(): Promise<Weights>;
  setOptimizerState(state: Weights): Promise<void>;
  /** Dropout mask generator state, for exact resume. */
  getRandomState(): RandomState;
  setRandomState(state: RandomState): void;
}

/** Disposes a state's tensors. */
export function disposeState(state: RecurrentState): void {
  state.h.dispose();
  state.c?.dispose();
}
