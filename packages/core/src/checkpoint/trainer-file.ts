import { z } from "zod";
import { CheckpointError, SpecError } from "../errors.js";
import { parseTrainingOptions } from "../optimizer.js";
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from "../safetensors.js";
import { describeIssues } from "../spec.js";
import type { TrainerState } from "../trainer-state.js";
import type { Weights } from "../weights.js";
import { OPTIMIZER_FILE, TRAINER_FILE } from "./checkpoint-layout.js";
import { checkpointProblem, messageOf } from "./checkpoint-problem.js";

/**
 * `trainer.json` + `optimizer.safetensors`: everything a run needs to resume exactly.
 * Numbers are float64 in JSON (which round-trips them exactly); NaN and ±Infinity, which JSON
 * lacks, are written as the strings "NaN", "Infinity", "-Infinity". Optimizer buffers keep
 * their dtype (float32 or float64), so they come back bit for bit.
 */
export interface TrainerFiles {
  readonly json: Uint8Array;
  readonly optimizer: Uint8Array;
}

const NON_FINITE = ["NaN", "Infinity", "-Infinity"] as const;
const float = z.union([z.number(), z.enum(NON_FINITE).transform(Number)]);
const int32 = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1);

const epochRecordSchema = z
  .object({
    epoch: z.number().int().nonnegative(),
    trainLoss: float,
    trainPerplexity: float,
    validPerplexity: float.nullable(),
    learningRate: float,
    tokensPerSecond: float,
    seconds: float,
  })
  .strict();

const partialEpochSchema = z
  .object({
    batchesDone: z.number().int().nonnegative(),
    lossSum: float,
    tokens: z.number().int().nonnegative(),
    seconds: float,
    carried: z
      .object({ h: z.array(z.number()), c: z.array(z.number()).optional() })
      .strict()
      .nullable(),
  })
  .strict();

const trainerSchema = z
  .object({
    epoch: z.number().int().nonnegative(),
    learningRate: float,
    bestValidPerplexity: float.nullable(),
    history: z.array(epochRecordSchema),
    training: z.unknown(),
    randomState: z.object({ words: z.array(int32).length(4), spareNormal: float.nullable() }).strict(),
    partialEpoch: partialEpochSchema.optional(),
  })
  .strict();

function jsonNumbers(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? String(value) : value;
}

export function encodeTrainerFiles(dir: string, trainer: TrainerState): TrainerFiles {
  let training: TrainerState["training"];
  try {
    training = parseTrainingOptions(trainer.training);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    throw checkpointProblem(
      dir,
      `cannot save the trainer state: ${error.message}`,
      "pass the options the run trained with",
      error,
    );
  }
  const body = {
    epoch: trainer.epoch,
    learningRate: trainer.learningRate,
    bestValidPerplexity: trainer.bestValidPerplexity,
    history: trainer.history.map((r) => ({
      epoch: r.epoch,
      trainLoss: r.trainLoss,
      trainPerplexity: r.trainPerplexity,
      validPerplexity: r.validPerplexity,
      learningRate: r.learningRate,
      tokensPerSecond: r.tokensPerSecond,
      seconds: r.seconds,
    })),
    training,
    randomState: { words: [...trainer.randomState.words], spareNormal: trainer.randomState.spareNormal },
    ...(trainer.partialEpoch ? { partialEpoch: trainer.partialEpoch } : {}),
  };
  const checked = trainerSchema.safeParse(JSON.parse(JSON.stringify(body, jsonNumbers)));
  if (!checked.success) {
    throw checkpointProblem(
      dir,
      `cannot save the trainer state: ${describeIssues(checked.error)}`,
      "pass the TrainerState the training loop produced (epoch a whole number, RNG state from SeededRandom.getState())",
    );
  }
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, t] of Object.entries(trainer.optimizerState)) tensors[name] = { shape: t.shape, data: t.data };
  let optimizer: Uint8Array;
  try {
    optimizer = encodeSafetensors(tensors);
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    throw checkpointProblem(
      dir,
      `cannot save the optimizer state: ${error.message}`,
      "pass the optimizer state the model returned",
      error,
    );
  }
  return { json: new TextEncoder().encode(`${JSON.stringify(body, jsonNumbers, 2)}\n`), optimizer };
}

const RESAVE = "restore the folder from a backup, or save the checkpoint again; do not edit checkpoint files by hand";

export function decodeTrainerFiles(dir: string, files: TrainerFiles): TrainerState {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(files.json));
  } catch (error) {
    throw checkpointProblem(dir, `${TRAINER_FILE} is not valid UTF-8 JSON (${messageOf(error)})`, RESAVE, error);
  }
  const parsed = trainerSchema.safeParse(raw);
  if (!parsed.success) {
    throw checkpointProblem(dir, `${TRAINER_FILE} is malformed: ${describeIssues(parsed.error)}`, RESAVE);
  }
  let training: TrainerState["training"];
  try {
    training = parseTrainingOptions(parsed.data.training);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    throw checkpointProblem(dir, `${TRAINER_FILE} holds ${error.message}`, RESAVE, error);
  }
  let tensors: Record<string, SafetensorsTensor>;
  try {
    tensors = decodeSafetensors(files.optimizer, OPTIMIZER_FILE).tensors;
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    throw checkpointProblem(dir, error.message, RESAVE, error);
  }
  const optimizerState: Weights = {};
  for (const [name, { shape, data }] of Object.entries(tensors)) {
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw checkpointProblem(dir, `${OPTIMIZER_FILE}: tensor "${name}" is not float32 or float64`, RESAVE);
    }
    optimizerState[name] = { shape, data };
  }
  const { epoch, learningRate, bestValidPerplexity, history, randomState, partialEpoch } = parsed.data;
  return {
    epoch,
    learningRate,
    bestValidPerplexity,
    history,
    training,
    randomState,
    optimizerState,
    ...(partialEpoch ? { partialEpoch } : {}),
  };
}
