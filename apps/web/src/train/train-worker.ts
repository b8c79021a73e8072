// The training worker: builds the corpus and model, runs core's trainLoop on ONNX Runtime Web,
// and answers generation and export requests between two training steps.
import { configureOnnxWeb, exportModel, onnxBackend } from "@rnnlm/backend-onnx/browser";
import {
  type BackendRuntime,
  encodeCheckpoint,
  type LrSchedule,
  parseLrSchedule,
  parseModelSpec,
  parseTrainingOptions,
  registerBackend,
  resolveBackend,
  SeededRandom,
  TextGenerator,
  type TrainableModel,
  type TrainerState,
  type TrainingOptions,
  trainLoop,
  type Weights,
} from "@rnnlm/core";
import { SequentialBatches, type TextCodec } from "@rnnlm/data";
import { parameterCount } from "../model-summary.js";
import { SerialLock } from "./serial-lock.js";
import { tarArchive } from "./tar-archive.js";
import { TRAIN_PRESETS, type TrainPreset } from "./train-presets.js";
import type {
  Candidate,
  GenerateRequest,
  PageToWorker,
  RunState,
  TrainDevice,
  TrainRequest,
  WorkerToPage,
} from "./train-protocol.js";
import { buildTrainingCorpus, VALID_FRACTION } from "./training-corpus.js";

/** The worker's global scope, typed by hand: the DOM and WebWorker libs cannot both be loaded. */
interface WorkerScope {
  postMessage(message: WorkerToPage, transfer: Transferable[]): void;
  addEventListener(type: "message", listener: (event: MessageEvent<PageToWorker>) => void): void;
}
const scope = self as unknown as WorkerScope;

/** Validation windows are this many rows (each of the preset's step count). */
const VALID_BATCH = 2;
/** Candidates shown in the next-character view. */
const TOP_CANDIDATES = 8;
/** At most one step message per this many ms: the chart needs no more. */
const STEP_MESSAGE_MS = 50;
const SAMPLE_LENGTH = 120;
/** Names inside the run archive: the checkpoint folder the CLI resumes from, and the text. */
const CHECKPOINT_FOLDER = "last";
const CHECKPOINT_TEXT_FILE = "text.txt";

function post(message: WorkerToPage, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Run {
  readonly model: TrainableModel;
  readonly codec: TextCodec;
  readonly request: TrainRequest;
  readonly runtime: BackendRuntime;
  /** The first characters of the text: where each epoch's sample starts. */
  readonly samplePrefix: string;
  readonly abort: AbortController;
  /** The `rnnlm train` configuration that reproduces this run (saved in checkpoints). */
  readonly runConfig: Record<string, unknown>;
  state: RunState;
  /** Weights and trainer state at the end of the last epoch, or where Stop ended the run. */
  snapshot: { readonly trainer: TrainerState; readonly weights: Weights } | null;
}

/** The run's settings as `rnnlm train` config keys (apps/cli's run config), for `--resume`. */
function runConfigOf(
  preset: TrainPreset,
  request: TrainRequest,
  training: TrainingOptions,
  schedule: LrSchedule,
  hasValid: boolean,
): Record<string, unknown> {
  const { optimizer } = training;
  return {
    data: CHECKPOINT_TEXT_FILE,
    level: "char",
    clean: request.clean,
    validFraction: hasValid ? VALID_FRACTION : 0,
    batchOrder: "sequential",
    model: preset.model.cell,
    emsize: 0,
    nhid: preset.model.hiddenSize,
    nlayers: preset.model.numLayers ?? 1,
    dropout: 0,
    tied: false,
    init: preset.model.init ?? "pytorch",
    batchSize: preset.batchSize,
    bptt: preset.steps,
    epochs: request.epochs,
    maxTokens: null,
    evalBatchSize: VALID_BATCH,
    optimizer: optimizer.type,
    lr: optimizer.lr,
    alpha: optimizer.type === "rmsprop" ? optimizer.alpha : null,
    clip: training.clip ?? 0,
    seed: training.seed,
    schedule: schedule.type,
    maxEpoch: schedule.type === "step" ? schedule.maxEpoch : null,
    lrDecay: schedule.type === "step" ? schedule.decay : null,
  };
}

const lock = new SerialLock();
let run: Run | null = null;
let resumeGate: { promise: Promise<void>; release: () => void } | null = null;
let registered = false;

function setState(state: RunState, message?: string): void {
  if (run !== null) run.state = state;
  post({ type: "state", state, message });
}

async function trainingRuntime(device: TrainDevice): Promise<{ runtime: BackendRuntime; fallback: string | null }> {
  if (!registered) {
    registerBackend(onnxBackend);
    registered = true;
  }
  let fallback: string | null = null;
  if (device === "auto") {
    if (!("gpu" in navigator) || (navigator as { gpu?: unknown }).gpu === undefined) {
      fallback = "onnx:webgpu: this browser has no WebGPU (navigator.gpu) in workers";
    } else {
      try {
        return { runtime: await resolveBackend("onnx:webgpu", { capability: "train" }), fallback: null };
      } catch (error) {
        fallback = `onnx:webgpu: ${messageOf(error)}`;
      }
    }
  }
  return { runtime: await resolveBackend("onnx:wasm", { capability: "train" }), fallback };
}

function topCandidates(codec: TextCodec, distribution: Float64Array): Candidate[] {
  const order = Array.from(distribution.keys()).sort((a, b) => distribution[b] - distribution[a]);
  return order.slice(0, TOP_CANDIDATES).map((id) => ({ token: codec.tokenOf(id), probability: distribution[id] }));
}

/**
 * Generates from the model as it is now, under the lock (so between two training steps),
 * streaming each token with the distribution it was drawn from when `id` is not null.
 */
function generate(current: Run, request: GenerateRequest, id: number | null): Promise<string> {
  return lock.run(async () => {
    const generator = new TextGenerator(current.model, current.codec, { onWarning: () => undefined });
    try {
      const ids = generator.encode(request.prefix);
      if (ids.length === 0) throw new Error("the prefix is empty after tokenisation: type at least one character");
      await generator.feed(ids);
      const sampling =
        request.temperature === null ? { greedy: true } : { greedy: false, temperature: request.temperature };
      const rng = new SeededRandom(request.seed);
      const pieces = current.codec.tokenize(request.prefix);
      for (let i = 0; i < request.length; i++) {
        const next = topCandidates(current.codec, generator.nextDistribution());
        const token = current.codec.tokenOf(generator.choose(sampling, rng));
        pieces.push(token);
        if (id !== null) post({ type: "token", id, token, next });
        await generator.feed([current.codec.idOf(token)]);
      }
      const text = pieces.join(current.codec.separator);
      if (id !== null) {
        post({ type: "generated", id, text, next: topCandidates(current.codec, generator.nextDistribution()) });
      }
      return text;
    } finally {
      generator.dispose();
    }
  });
}

/** `model` with every ONNX Runtime call behind the lock, and training steps held while paused. */
function guarded(
  model: TrainableModel,
  onStep: (seconds: number, tokens: number, loss: number) => void,
): TrainableModel {
  const trainStep: TrainableModel["trainStep"] = async (batch, state) => {
    while (resumeGate !== null) await resumeGate.promise;
    return lock.run(async () => {
      const started = performance.now();
      const result = await model.trainStep(batch, state);
      onStep((performance.now() - started) / 1000, batch.steps * batch.batch, result.loss);
      return result;
    });
  };
  const evaluate: TrainableModel["evaluate"] = (batch, state) => lock.run(() => model.evaluate(batch, state));
  return new Proxy(model, {
    get(target, property) {
      if (property === "trainStep") return trainStep;
      if (property === "evaluate") return evaluate;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function start(request: TrainRequest): Promise<void> {
  if (run !== null && (run.state === "running" || run.state === "paused")) {
    post({ type: "error", id: null, message: "a training run is already going: stop it first" });
    return;
  }
  run?.model.dispose();
  run = null;
  const preset = TRAIN_PRESETS[request.preset];
  const corpus = buildTrainingCorpus(request.text, request.clean, VALID_BATCH * preset.steps + preset.steps + 1);
  const needed = preset.batchSize * preset.steps + preset.steps + 1;
  if (corpus.train.length < needed) {
    throw new Error(
      `the text has ${corpus.train.length.toLocaleString("en")} characters to train on, and the ${preset.id} preset needs at least ${needed.toLocaleString("en")} (batch ${preset.batchSize} × ${preset.steps} steps): paste a longer text or pick a smaller preset`,
    );
  }
  const spec = parseModelSpec({ ...preset.model, vocabSize: corpus.codec.size });
  const training = parseTrainingOptions(preset.training);
  const schedule = parseLrSchedule(preset.schedule);
  const { runtime, fallback } = await trainingRuntime(request.device);
  const createTrainableModel = runtime.createTrainableModel;
  if (createTrainableModel === undefined) throw new Error(`${runtime.id} cannot train`);
  const model = await createTrainableModel.call(runtime, spec, { training, seed: training.seed });
  const train = new SequentialBatches(corpus.train, {
    batchSize: preset.batchSize,
    numSteps: preset.steps,
    seed: training.seed,
  });
  const valid =
    corpus.valid === null
      ? undefined
      : new SequentialBatches(corpus.valid, { batchSize: VALID_BATCH, numSteps: preset.steps, seed: training.seed });
  const current: Run = {
    model,
    codec: corpus.codec,
    request,
    runtime,
    samplePrefix: corpus.codec.decode(corpus.train.subarray(0, Math.min(12, corpus.train.length))),
    abort: new AbortController(),
    runConfig: runConfigOf(preset, request, training, schedule, corpus.valid !== null),
    state: "running",
    snapshot: null,
  };
  run = current;
  post({
    type: "started",
    info: {
      runtime: runtime.id,
      description: runtime.description,
      fallback,
      parameters: parameterCount(spec),
      vocabSize: corpus.codec.size,
      trainTokens: corpus.train.length,
      validTokens: corpus.valid?.length ?? 0,
      batchesPerEpoch: train.countBatches(0),
      tokensPerStep: preset.batchSize * preset.steps,
    },
  });
  setState("running");

  // Step timing over a sliding window, so tokens/s follows the current speed.
  const window: Array<{ seconds: number; tokens: number }> = [];
  let lossSum = 0;
  let lossCount = 0;
  let lastPost = 0;
  let epochNow = 1;
  let batchNow = 0;
  let batches = train.countBatches(0);
  const onStep = (seconds: number, tokens: number, loss: number): void => {
    window.push({ seconds, tokens });
    if (window.length > 20) window.shift();
    lossSum += loss;
    lossCount++;
    const now = performance.now();
    if (now - lastPost < STEP_MESSAGE_MS) return;
    lastPost = now;
    const totalSeconds = window.reduce((sum, w) => sum + w.seconds, 0);
    const totalTokens = window.reduce((sum, w) => sum + w.tokens, 0);
    post({
      type: "step",
      epoch: epochNow,
      batch: batchNow + 1,
      batches,
      loss: lossSum / lossCount,
      tokensPerSecond: totalTokens / Math.max(totalSeconds, 1e-9),
    });
    lossSum = 0;
    lossCount = 0;
  };

  try {
    await trainLoop({
      model: guarded(model, onStep),
      train,
      valid,
      epochs: request.epochs,
      schedule,
      signal: current.abort.signal,
      onCheckpoint: async (reason, trainer) => {
        // "best" repeats the epoch's state; the others are where a resumed run continues.
        if (reason === "best") return;
        current.snapshot = { trainer, weights: await lock.run(() => model.getWeights()) };
      },
      onEvent: (event) => {
        if (event.type === "step") {
          epochNow = event.epoch;
          batchNow = event.batch;
          batches = event.batches;
        } else if (event.type === "epoch") {
          const { record } = event;
          // Queued on the lock: it runs before the next epoch's first step.
          void generate(
            current,
            { prefix: current.samplePrefix, length: SAMPLE_LENGTH, temperature: 0.8, seed: record.epoch },
            null,
          ).then(
            (sample) =>
              post({
                type: "epoch",
                epoch: record.epoch,
                trainLoss: record.trainLoss,
                validLoss: record.validPerplexity === null ? null : Math.log(record.validPerplexity),
                learningRate: record.learningRate,
                sample,
              }),
            (error: unknown) => post({ type: "error", id: null, message: `sample failed: ${messageOf(error)}` }),
          );
        }
      },
    });
    await lock.run(async () => undefined);
    setState(current.abort.signal.aborted ? "stopped" : "finished");
  } catch (error) {
    setState("failed", messageOf(error));
  }
}

function exportOnnxFile(current: Run): Promise<Uint8Array> {
  return exportModel(current.model, {
    codec: current.codec.toJSON(),
    metadata: {
      trained_with: `rnnlm web Train view, preset ${current.request.preset}, clean ${current.request.clean}, ${current.runtime.id}`,
    },
  });
}

/**
 * The run as a tar archive: `last/` is a checkpoint folder in @rnnlm/core's format (encoded by
 * core itself), `text.txt` the text it trains on; `rnnlm train --resume` continues it.
 */
async function exportRunArchive(current: Run): Promise<Uint8Array> {
  const { snapshot } = current;
  if (snapshot === null) {
    throw new Error("no checkpoint yet: one is kept after each epoch and when Stop ends the run; wait for epoch 1");
  }
  const files = await encodeCheckpoint(CHECKPOINT_FOLDER, {
    spec: current.model.spec,
    weights: snapshot.weights,
    codec: current.codec.toJSON(),
    config: current.runConfig,
    trainer: snapshot.trainer,
  });
  const entries = files.map(([name, bytes]) => ({ name: `${CHECKPOINT_FOLDER}/${name}`, bytes }));
  entries.push({ name: CHECKPOINT_TEXT_FILE, bytes: new TextEncoder().encode(current.request.text) });
  return tarArchive(entries, Date.now() / 1000);
}

function pause(): void {
  if (run?.state !== "running" || resumeGate !== null) return;
  let release = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  resumeGate = { promise, release };
  setState("paused");
}

function resume(): void {
  if (resumeGate === null) return;
  const gate = resumeGate;
  resumeGate = null;
  gate.release();
  if (run?.state === "paused") setState("running");
}

async function handle(message: PageToWorker): Promise<void> {
  switch (message.type) {
    case "init":
      configureOnnxWeb({ wasmPaths: message.wasmPaths, numThreads: message.threads });
      return;
    case "start":
      try {
        await start(message.request);
      } catch (error) {
        setState("failed", messageOf(error));
      }
      return;
    case "pause":
      pause();
      return;
    case "resume":
      resume();
      return;
    case "stop":
      run?.abort.abort();
      resume();
      return;
    case "generate":
      if (run === null) {
        post({ type: "error", id: message.id, message: "no model yet: start training first" });
        return;
      }
      try {
        await generate(run, message.request, message.id);
      } catch (error) {
        post({ type: "error", id: message.id, message: messageOf(error) });
      }
      return;
    case "export": {
      const current = run;
      if (current === null) {
        post({ type: "error", id: message.id, message: "no model yet: start training first" });
        return;
      }
      try {
        const bytes = await lock.run(() =>
          message.kind === "onnx" ? exportOnnxFile(current) : exportRunArchive(current),
        );
        post({ type: "exported", id: message.id, kind: message.kind, bytes }, [bytes.buffer]);
      } catch (error) {
        post({ type: "error", id: message.id, message: `download failed: ${messageOf(error)}` });
      }
      return;
    }
  }
}

scope.addEventListener("message", (event: MessageEvent<PageToWorker>) => {
  void handle(event.data);
});
