import { z } from "zod";
import { SpecError } from "./errors.js";
import { describeIssues } from "./spec.js";

const nonNegative = z.number().min(0);

export const sgdSchema = z
  .object({
    type: z.literal("sgd"),
    lr: z.number().positive(),
    momentum: nonNegative.default(0),
    weightDecay: nonNegative.default(0),
  })
  .strict();

export const adamSchema = z
  .object({
    type: z.literal("adam"),
    lr: z.number().positive(),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    eps: z.number().positive().default(1e-8),
    weightDecay: nonNegative.default(0),
  })
  .strict();

/**
 * `torch.optim.RMSprop` without momentum or centering (char-rnn's `optim.rmsprop` is the same
 * update with `alpha` = its `decay_rate`): `v = α·v + (1−α)·g²; w -= lr·g/(√v + eps)`, v from 0.
 */
export const rmspropSchema = z
  .object({
    type: z.literal("rmsprop"),
    lr: z.number().positive(),
    alpha: z.number().min(0).lt(1).default(0.99),
    eps: z.number().positive().default(1e-8),
    weightDecay: nonNegative.default(0),
  })
  .strict();

/**
 * Optimizers with PyTorch's update rules: SGD (`buf = m·buf + g; w -= lr·buf`, weight decay
 * added to g), Adam (bias-corrected, `w -= lr·m̂/(√v̂ + eps)`) and RMSprop
 * (`w -= lr·g/(√v + eps)`, v the running mean of g²).
 */
export const optimizerSpecSchema = z.discriminatedUnion("type", [sgdSchema, adamSchema, rmspropSchema]);
export type OptimizerSpec = z.output<typeof optimizerSpecSchema>;
export type OptimizerSpecInput = z.input<typeof optimizerSpecSchema>;

export const trainingOptionsSchema = z
  .object({
    optimizer: optimizerSpecSchema,
    /** Global L2 norm the gradient of all parameters is clipped to before the update; null = off. */
    clip: z.number().positive().nullable().default(null),
    /** Seeds dropout masks. */
    seed: z.number().int().default(0),
  })
  .strict();
/** How a trainable model updates itself in `trainStep`. */
export type TrainingOptions = z.output<typeof trainingOptionsSchema>;
export type TrainingOptionsInput = z.input<typeof trainingOptionsSchema>;

export function parseTrainingOptions(input: unknown): TrainingOptions {
  const result = trainingOptionsSchema.safeParse(input);
  if (!result.success) throw new SpecError(`invalid training options: ${describeIssues(result.error)}`);
  return result.data;
}

/**
 * Learning-rate schedules applied by the training loop after each epoch.
 * - `constant`: the lr never changes.
 * - `plateau`: multiply by `factor` (default 1/4, the PyTorch/gluon word-LM rule) when
 *   validation perplexity does not improve.
 * - `step` (Zaremba et al. / TensorFlow PTB model): epoch i (0-based) runs at
 *   lr·decay^max(i+1−maxEpoch, 0): the initial lr for `maxEpoch` epochs, then × `decay` every
 *   epoch, whatever validation does. char-rnn's `learning_rate_decay_after` (≥ 1) and
 *   `learning_rate_decay` are `maxEpoch` and `decay`.
 */
export const lrScheduleSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("constant") }).strict(),
  z
    .object({
      type: z.literal("plateau"),
      factor: z.number().gt(0).lt(1).default(0.25),
      minLr: nonNegative.default(0),
    })
    .strict(),
  z
    .object({
      type: z.literal("step"),
      /** Epochs run at the initial lr before the decay starts (TensorFlow's `max_epoch`). */
      maxEpoch: z.number().int().positive(),
      /** Factor applied every epoch after that (TensorFlow's `lr_decay`). */
      decay: z.number().gt(0).lte(1),
    })
    .strict(),
]);
export type LrSchedule = z.output<typeof lrScheduleSchema>;
export type LrScheduleInput = z.input<typeof lrScheduleSchema>;
export type StepLrSchedule = Extract<LrSchedule, { type: "step" }>;

export function parseLrSchedule(input: unknown): LrSchedule {
  const result = lrScheduleSchema.safeParse(input);
  if (!result.success) throw new SpecError(`invalid learning-rate schedule: ${describeIssues(result.error)}`);
  return result.data;
}

/**
 * The `step` schedule's lr for 0-based `epoch`, computed from the initial lr as TensorFlow's
 * PTB model does (`lr · decay ** max(i + 1 − max_epoch, 0)`), so a resumed run gets the
 * same floats as an uninterrupted one.
 */
export function stepLearningRate(schedule: StepLrSchedule, initialLr: number, epoch: number): number {
  return initialLr * schedule.decay ** Math.max(epoch + 1 - schedule.maxEpoch, 0);
}

/**
 * Learning rate for the epoch after `epochsDone` epochs (so 0-based epoch `epochsDone`),
 * given the current lr, the run's initial lr and whether validation just improved
 * (`null`: no validation data, which keeps the plateau rule's lr).
 */
export function nextLearningRate(
  schedule: LrSchedule,
  lr: number,
  improved: boolean | null,
  epochsDone: number,
  initialLr: number,
): number {
  switch (schedule.type) {
    case "constant":
      return lr;
    case "plateau":
      return improved === false ? Math.max(schedule.minLr, lr * schedule.factor) : lr;
    case "step":
      return stepLearningRate(schedule, initialLr, epochsDone);
  }
}
