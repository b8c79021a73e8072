import { type BatchSource, type TimeMajorBatch, toTimeMajor } from "./batch.js";
import { NonFiniteLossError, SpecError } from "./errors.js";
import {
  disposeState,
  type Model,
  type RecurrentState,
  type StateInit,
  type TrainableModel,
  type TrainStepResult,
} from "./model.js";
import { type LrSchedule, nextLearningRate } from "./optimizer.js";
import type { EpochRecord, PartialEpoch, TrainerState } from "./trainer-state.js";
import type { Weights } from "./weights.js";

/** Progress events for UIs (progress bars, logs, plots). */
export type TrainEvent =
  | {
      readonly type: "step";
      readonly epoch: number;
      /** Batches done in this epoch (1-based after the step). */
      readonly batch: number;
      readonly batches: number;
      readonly loss: number;
      /** Running perplexity of the epoch so far. */
      readonly perplexity: number;
      readonly tokensPerSecond: number;
      /** Seconds since the epoch started. */
      readonly seconds: number;
    }
  | { readonly type: "epoch"; readonly record: EpochRecord; readonly improved: boolean }
  | { readonly type: "stopped"; readonly epoch: number; readonly batch: number };

/** Why the loop calls the checkpoint hook. */
export type CheckpointReason = "epoch" | "best" | "interrupted";

export interface TrainLoopOptions {
  readonly model: TrainableModel;
  readonly train: BatchSource;
  /** Evaluated after every epoch; drives best-keeping and the plateau schedule. */
  readonly valid?: BatchSource;
  /** Evaluated once at the end with the best weights. */
  readonly test?: BatchSource;
  /** Total epochs of the run (a resumed run continues up to this number). */
  readonly epochs: number;
  readonly schedule?: LrSchedule;
  /** Continue a run from a checkpoint's trainer state (weights must already be loaded). */
  readonly resume?: TrainerState;
  /** Aborting stops after the current step; the hook is called with "interrupted". */
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: TrainEvent) => void;
  /**
   * Called after each epoch ("epoch"), when validation improves ("best"), and when the
   * signal stops the run mid-epoch ("interrupted"). Never called after a non-finite loss,
   * so the last checkpoint written stays the last good one.
   */
  readonly onCheckpoint?: (reason: CheckpointReason, state: TrainerState) => Promise<void>;
  /** Yield to the event loop every this many steps so signals and UIs stay live (default 1). */
  readonly yieldEvery?: number;
}

export interface TrainLoopResult {
  readonly history: readonly EpochRecord[];
  readonly bestValidPerplexity: number | null;
  /** Test perplexity of the best weights, when a test source was given and the run finished. */
  readonly testPerplexity: number | null;
  /** True when the signal stopped the run before `epochs`. */
  readonly interrupted: boolean;
  readonly state: TrainerState;
}

const yieldToEventLoop: () => Promise<void> =
  typeof setImmediate === "function"
    ? () => new Promise((resolve) => setImmediate(resolve))
    : () => new Promise((resolve) => setTimeout(resolve, 0));

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

async function stateToJson(state: RecurrentState): Promise<PartialEpoch["carried"]> {
  const h = Array.from(await state.h.data());
  return state.c ? { h, c: Array.from(await state.c.data()) } : { h };
}

function stateFromJson(carried: NonNullable<PartialEpoch["carried"]>): StateInit {
  return { h: Float32Array.from(carried.h), c: carried.c ? Float32Array.from(carried.c) : undefined };
}

/** Mean softmax cross-entropy of time-major logits (rows · V) against targets, in float64. */
export function meanCrossEntropy(logits: ArrayLike<number>, targets: ArrayLike<number>, vocabSize: number): number {
  let total = 0;
  for (let i = 0; i < targets.length; i++) {
    const row = i * vocabSize;
    let max = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < vocabSize; v++) max = Math.max(max, logits[row + v]);
    let sum = 0;
    for (let v = 0; v < vocabSize; v++) sum += Math.exp(logits[row + v] - max);
    total += max + Math.log(sum) - logits[row + targets[i]];
  }
  return total / targets.length;
}

function canEvaluate(model: Model | TrainableModel): model is TrainableModel {
  return typeof (model as Partial<TrainableModel>).evaluate === "function";
}

/** Loss of one batch: the backend's own `evaluate` where it trains, else forward + host cross-entropy. */
async function batchLoss(model: Model | TrainableModel, batch: TimeMajorBatch, state: RecurrentState) {
  if (canEvaluate(model)) return model.evaluate(batch, state);
  const { logits, state: next } = await model.forward({ ids: batch.x, steps: batch.steps, batch: batch.batch }, state);
  const loss = meanCrossEntropy(await logits.data(), batch.y, model.spec.vocabSize);
  logits.dispose();
  return { loss, state: next };
}

/**
 * Perplexity of `model` on `source` (no updates, no dropout): exp(total loss / total tokens),
 * carrying the state across batches when the source says so. Works on inference-only models.
 */
export async function evaluatePerplexity(
  model: Model | TrainableModel,
  source: BatchSource,
  epoch = 0,
): Promise<number> {
  let lossSum = 0;
  let tokens = 0;
  let state: RecurrentState | null = null;
  if (canEvaluate(model)) model.expectEvaluations?.(source.countBatches(epoch));
  for (const raw of source.epoch(epoch)) {
    const batch = toTimeMajor(raw);
    if (state === null || !source.carriesState) {
      if (state !== null) disposeState(state);
      state = model.beginState(batch.batch);
    }
    const result = await batchLoss(model, batch, state);
    disposeState(state);
    state = result.state;
    const n = batch.steps * batch.batch;
    lossSum += result.loss * n;
    tokens += n;
  }
  if (state !== null) disposeState(state);
  if (tokens === 0)
    throw new SpecError("evaluation data yielded no batches: the corpus is too small for batch × steps");
  return Math.exp(lossSum / tokens);
}

/**
 * The backend-agnostic training loop (SPEC §1–2): epochs over `train`, resetting the state
 * every batch for random sampling or carrying it (detached by the backend) for sequential
 * sampling; perplexity and tokens/s per epoch; validation, best-keeping and the learning-rate
 * schedule; clean stops on an AbortSignal; a clear error on a non-finite loss.
 */
export async function trainLoop(options: TrainLoopOptions): Promise<TrainLoopResult> {
  const { model, train, valid, test, epochs, signal, onEvent, onCheckpoint } = options;
  const schedule = options.schedule ?? { type: "constant" };
  const yieldEvery = options.yieldEvery ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0)
    throw new SpecError(`epochs must be a non-negative integer, got ${epochs}`);

  const resume = options.resume;
  const history: EpochRecord[] = resume ? [...resume.history] : [];
  let bestValid = resume?.bestValidPerplexity ?? null;
  let lr = resume?.learningRate ?? model.learningRate;
  // The step schedule is computed from the first epoch's lr; a resumed run finds it in its history.
  const initialLr = resume ? (resume.history[0]?.learningRate ?? resume.learningRate) : model.learningRate;
  let bestWeights: Weights | null = null;
  if (resume) {
    model.setLearningRate(lr);
    model.setRandomState(resume.randomState);
    await model.setOptimizerState(resume.optimizerState);
  }
  let partial: PartialEpoch | undefined = resume?.partialEpoch;

  const snapshot = async (epochsDone: number, partialEpoch?: PartialEpoch): Promise<TrainerState> => ({
    epoch: epochsDone,
    learningRate: lr,
    bestValidPerplexity: bestValid,
    history: [...history],
    training: model.training,
    randomState: model.getRandomState(),
    optimizerState: await model.getOptimizerState(),
    ...(partialEpoch ? { partialEpoch } : {}),
  });

  let step = 0;
  for (let epoch = resume?.epoch ?? 0; epoch < epochs; epoch++) {
    const batches = train.countBatches(epoch);
    let lossSum = partial?.lossSum ?? 0;
    let tokens = partial?.tokens ?? 0;
    const skip = partial?.batchesDone ?? 0;
    const priorSeconds = partial?.seconds ?? 0;
    const carriedInit = partial?.carried ? stateFromJson(partial.carried) : null;
    partial = undefined;
    let state: RecurrentState | null = null;
    const started = now();
    let index = 0;
    for (const raw of train.epoch(epoch)) {
      index++;
      if (index <= skip) continue;
      const batch = toTimeMajor(raw);
      if (state === null && carriedInit !== null && train.carriesState) {
        const hidden = carriedInit.h.length / (model.spec.numLayers * batch.batch);
        if (hidden !== model.spec.hiddenSize) {
          throw new SpecError(
            "the checkpoint's carried state does not match this batch size: resume with the same batch size",
          );
        }
        state = model.beginState(batch.batch, carriedInit);
      }
      if (state === null || !train.carriesState) {
        if (state !== null) disposeState(state);
        state = model.beginState(batch.batch);
      }
      let result: TrainStepResult;
      try {
        result = await model.trainStep(batch, state);
      } catch (error) {
        // The step refused a non-finite loss (the model is unchanged): say where, as below.
        if (!(error instanceof NonFiniteLossError)) throw error;
        disposeState(state);
        throw new NonFiniteLossError(
          `epoch ${epoch + 1}, batch ${index}: ${error.message} (learning rate now ${lr}); the last checkpoint written is intact`,
        );
      }
      disposeState(state);
      state = result.state;
      // A backend that does not check its step (see `checkFiniteStep`) is caught here, after it.
      if (!Number.isFinite(result.loss)) {
        disposeState(state);
        throw new NonFiniteLossError(
          `training loss became ${result.loss} at epoch ${epoch + 1}, batch ${index}: lower the learning rate` +
            ` (now ${lr}) or enable gradient clipping; the last checkpoint written is intact`,
        );
      }
      const n = batch.steps * batch.batch;
      lossSum += result.loss * n;
      tokens += n;
      const seconds = priorSeconds + (now() - started) / 1000;
      onEvent?.({
        type: "step",
        epoch: epoch + 1,
        batch: index,
        batches,
        loss: result.loss,
        perplexity: Math.exp(lossSum / tokens),
        tokensPerSecond: tokens / Math.max(seconds, 1e-9),
        seconds,
      });
      step++;
      if (step % yieldEvery === 0) await yieldToEventLoop();
      if (signal?.aborted && index < batches) {
        const carried = train.carriesState ? await stateToJson(state) : null;
        disposeState(state);
        const stopped = await snapshot(epoch, { batchesDone: index, lossSum, tokens, seconds, carried });
        onEvent?.({ type: "stopped", epoch: epoch + 1, batch: index });
        await onCheckpoint?.("interrupted", stopped);
        return { history, bestValidPerplexity: bestValid, testPerplexity: null, interrupted: true, state: stopped };
      }
    }
    if (state !== null) disposeState(state);
    if (tokens === 0) {
      throw new SpecError("the training data yielded no batches: the corpus is too small for batch size × steps");
    }
    const seconds = priorSeconds + (now() - started) / 1000;
    const trainLoss = lossSum / tokens;
    const validPerplexity = valid ? await evaluatePerplexity(model, valid) : null;
    const improved = validPerplexity !== null && (bestValid === null || validPerplexity < bestValid);
    const record: EpochRecord = {
      epoch: epoch + 1,
      trainLoss,
      trainPerplexity: Math.exp(trainLoss),
      validPerplexity,
      learningRate: lr,
      tokensPerSecond: tokens / Math.max(seconds, 1e-9),
      seconds,
    };
    history.push(record);
    if (improved) {
      bestValid = validPerplexity;
      if (test) bestWeights = await model.getWeights();
    }
    const nextLr = nextLearningRate(schedule, lr, validPerplexity === null ? null : improved, epoch + 1, initialLr);
    if (nextLr !== lr) {
      lr = nextLr;
      model.setLearningRate(lr);
    }
    onEvent?.({ type: "epoch", record, improved });
    const state2 = await snapshot(epoch + 1);
    await onCheckpoint?.("epoch", state2);
    if (improved) await onCheckpoint?.("best", state2);
    if (signal?.aborted && epoch + 1 < epochs) {
      onEvent?.({ type: "stopped", epoch: epoch + 1, batch: batches });
      return { history, bestValidPerplexity: bestValid, testPerplexity: null, interrupted: true, state: state2 };
    }
  }

  let testPerplexity: number | null = null;
  if (test) {
    if (bestWeights !== null) await model.setWeights(bestWeights);
    testPerplexity = await evaluatePerplexity(model, test);
  }
  return {
    history,
    bestValidPerplexity: bestValid,
    testPerplexity,
    interrupted: false,
    state: await snapshot(Math.max(epochs, resume?.epoch ?? 0)),
  };
}
