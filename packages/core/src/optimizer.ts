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
 * Optimizers with PyTorch's update rules: SGD (`buf = m·buf + g; w -= lr·buf`, weight decay
 * added to g) and Adam (bias-corrected, `w -= lr·m̂/(√v̂ + eps)`).
 */
export const optimizerSpecSchema = z.discriminatedUnion("type", [sgdSchema, adamSchema]);
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
 * `plateau`: multiply by `factor` (default 1/4, the word-LM rule) when validation
 * perplexity does not improve.
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
]);
export type LrSchedule = z.output<typeof lrScheduleSchema>;

/** Next learning rate after an epoch, given whether validation improved. */
export function nextLearningRate(schedule: LrSchedule, lr: number, improved: boolean): number {
  if (schedule.type === "constant" || improved) return lr;
  return Math.max(schedule.minLr, lr * schedule.factor);
}
