import { rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import {
  type CheckpointData,
  type CheckpointReason,
  type EpochRecord,
  type ModelSpec,
  type TrainerState,
  trainLoop,
} from "@rnnlm/core";
import { loadCheckpoint, saveCheckpoint, writeFileAtomic } from "@rnnlm/core/node";
import type { TextCodec } from "@rnnlm/data";
import { BackgroundWrites } from "../background-writes.js";
import { batchOrderOf, evalSource, trainSource } from "../batch-sources.js";
import { checkpointCodec } from "../checkpoint-codec.js";
import { backendHints, loadBackend, threadsOf } from "../choose-backend.js";
import { type CliContext, warningsTo } from "../cli-output.js";
import { findConfigFile, readConfigFile } from "../config-file.js";
import { CONFIG_FLAGS, flagOfKey } from "../config-keys.js";
import { dataFingerprint, FINGERPRINT_KEY, splitSavedConfig } from "../data-fingerprint.js";
import type { FlagDef } from "../flag-def.js";
import { configLayerFromFlags } from "../flag-layer.js";
import { formatConfig } from "../format-config.js";
import { helpText } from "../help-text.js";
import { corpusRequestOf, loadCorpus } from "../load-corpus.js";
import { lossFigures } from "../loss-figures.js";
import { checkTrainingFits, memoryBudget } from "../memory-estimate.js";
import { MetricsLog } from "../metrics-log.js";
import { modelSpecOf, scheduleOf, trainingOptionsOf } from "../model-spec-of.js";
import { checkOutputFile } from "../output-file.js";
import { parseFlags } from "../parse-flags.js";
import { renderPerplexitySvg } from "../perplexity-plot.js";
import { presetNames } from "../presets.js";
import { ProgressReporter } from "../progress-reporter.js";
import {
  type ConfigKey,
  type PartialRunConfig,
  type RunConfig,
  resolveRunConfig,
  runConfigSchema,
} from "../run-config.js";
import { findCheckpoint, holdsCheckpoint, type RunFolder, recoverLocked, runFolder } from "../run-folder.js";
import { RunLock } from "../run-lock.js";
import { UsageError } from "../usage-error.js";
import { vocabularyWarning } from "../vocabulary-warning.js";
import { exportCheckpoint } from "./export.js";

const TRAIN_FLAGS: readonly FlagDef[] = [
  {
    flag: "config",
    type: "string",
    placeholder: "FILE|PRESET",
    help: "JSON config file, or a preset name (flags override it)",
  },
  { flag: "resume", type: "string", placeholder: "DIR", help: "continue the run saved in DIR (its last/ checkpoint)" },
  {
    flag: "allow-data-change",
    type: "boolean",
    help: "resume even though the corpus differs from the one the run trained on (with a warning)",
  },
  ...CONFIG_FLAGS,
  {
    flag: "onnx-export",
    type: "string",
    placeholder: "FILE.onnx",
    help: "after training, export the best (else last) checkpoint to FILE.onnx (PyTorch's --onnx-export)",
  },
];

/** What a resumed run may change: how long, where, on what, how verbosely. */
const RESUMABLE_KEYS: ReadonlySet<ConfigKey> = new Set([
  "epochs",
  "backend",
  "device",
  "threads",
  "save",
  "logInterval",
  "data",
]);

export const TRAIN_HELP = helpText(
  [
    "rnnlm train --data FILE|DIR [--config FILE|PRESET] [flags…] --save DIR",
    "rnnlm train --resume DIR [--epochs N] [--backend HINTS]",
  ],
  "Trains a recurrent language model. Flags override the config file; the resolved config is\n" +
    "printed and saved with every checkpoint. DIR/last/ is written after every epoch (and on\n" +
    "Ctrl-C), DIR/best/ when validation perplexity improves, DIR/perplexity.svg and\n" +
    "DIR/metrics.jsonl (one JSON line per log interval and per epoch) every epoch.\n" +
    "The first Ctrl-C (or SIGTERM, SIGHUP) finishes the step, saves DIR/last/ and exits 130\n" +
    "(143, 129); a second exits at once.",
  TRAIN_FLAGS,
  `Presets: ${presetNames().join(", ")}`,
);

interface Start {
  readonly config: RunConfig;
  readonly checkpoint: CheckpointData | null;
}

/** How `rnnlm demo` drives training. */
export interface TrainHooks {
  /** Replace a run already in the folder (after everything is validated and the folder locked). */
  readonly replaceRun?: boolean;
  /** Called once the run folder is locked and about to be written. */
  readonly claimed?: (dir: string) => Promise<void>;
}

async function heldRun(run: RunFolder): Promise<string | null> {
  for (const folder of [run.last, run.best]) if (await holdsCheckpoint(folder)) return folder;
  return null;
}

function alreadyHeld(save: string, folder: string): UsageError {
  return new UsageError(
    `--save ${save} already holds a run (${folder})`,
    `continue it with rnnlm train --resume ${save}, or choose another --save folder (or delete it)`,
  );
}

function savedConfig(checkpoint: CheckpointData, dir: string): PartialRunConfig {
  const result = runConfigSchema.partial().safeParse(splitSavedConfig(checkpoint.config).config);
  if (!result.success) {
    throw new UsageError(
      `the checkpoint ${dir} has no usable run configuration (${result.error.issues[0]?.message})`,
      "resume only runs started with rnnlm train",
    );
  }
  return result.data;
}

async function startFresh(
  configArg: string | undefined,
  flags: PartialRunConfig,
  hooks: TrainHooks,
  warn: (message: string) => void,
): Promise<Start> {
  let file: PartialRunConfig = {};
  if (configArg !== undefined) {
    const { description: _, $schema: __, ...keys } = await readConfigFile(await findConfigFile(configArg), warn);
    file = keys;
  }
  const config = resolveRunConfig(file, flags);
  if (config.save === null) {
    throw new UsageError(
      "rnnlm train needs a run folder to save checkpoints in",
      "add --save DIR (e.g. --save runs/lstm)",
    );
  }
  const held = hooks.replaceRun ? null : await heldRun(runFolder(config.save));
  if (held !== null) throw alreadyHeld(config.save, held);
  return { config, checkpoint: null };
}

async function startResumed(resumeArg: string, flags: PartialRunConfig): Promise<Start> {
  for (const key of Object.keys(flags) as ConfigKey[]) {
    if (!RESUMABLE_KEYS.has(key)) {
      throw new UsageError(
        `${flagOfKey(key)} cannot change when resuming (the run continues with its saved configuration)`,
        `drop ${flagOfKey(key)}, or start a new run with --save; a resumed run accepts ${[...RESUMABLE_KEYS].map(flagOfKey).join(", ")}`,
      );
    }
  }
  const dir = await findCheckpoint(resumeArg, "--resume", ["last"]);
  const checkpoint = await loadCheckpoint(dir);
  if (checkpoint.trainer === undefined) {
    throw new UsageError(
      `the checkpoint ${dir} holds no trainer state (an inference-only checkpoint)`,
      "resume from a run folder written by rnnlm train",
    );
  }
  const runDir = resolve(dir) === resolve(resumeArg) ? dirname(dir) : resumeArg;
  const config = resolveRunConfig(savedConfig(checkpoint, dir), { save: runDir }, flags);
  // --save elsewhere forks the run: B starts from A's state, and must not hold a run of its own.
  if (config.save !== null && resolve(config.save) !== resolve(runDir)) {
    const held = await heldRun(runFolder(config.save));
    if (held !== null) {
      throw new UsageError(
        `--resume ${resumeArg} --save ${config.save}: ${config.save} already holds another run (${held}), which this would overwrite`,
        `resume that run with rnnlm train --resume ${config.save}, or pass an empty --save folder to continue ${resumeArg} there`,
      );
    }
  }
  return { config, checkpoint };
}

/** How the text was read, for the data line: `as written`, `lower-cased`, `d2l-cleaned`. */
function cleaningNote(codec: TextCodec): string {
  const clean = codec.tokenizer.toJSON().clean;
  return clean === "none" ? "text as written" : clean === "lower" ? "lower-cased" : "d2l-cleaned";
}

function describeSpec(spec: ModelSpec): string {
  const input = spec.embeddingSize === null ? "one-hot" : `emsize ${spec.embeddingSize}`;
  return `${spec.cell} ${spec.numLayers}×${spec.hiddenSize}, ${input}, vocabulary ${spec.vocabSize}${spec.tied ? ", tied" : ""}, init ${spec.init}`;
}

/** `rnnlm train`: returns the exit code (0 done, 130 stopped by Ctrl-C). */
export async function trainCommand(argv: readonly string[], ctx: CliContext, hooks: TrainHooks = {}): Promise<number> {
  const values = parseFlags("train", argv, TRAIN_FLAGS, warningsTo(ctx));
  if (values.help) {
    ctx.stdout.write(TRAIN_HELP);
    return 0;
  }
  return runTraining(
    {
      flags: configLayerFromFlags(values, "train"),
      ...(typeof values.resume === "string" ? { resume: values.resume } : {}),
      ...(typeof values.config === "string" ? { config: values.config } : {}),
      allowDataChange: values["allow-data-change"] === true,
      ...(typeof values["onnx-export"] === "string" ? { onnxExport: values["onnx-export"] } : {}),
    },
    ctx,
    hooks,
  );
}

/** What `rnnlm train` does, as its flags (or `rnnlm demo`) ask for it. */
export interface TrainRequest {
  /** The config keys given as flags (validated key by key). */
  readonly flags: PartialRunConfig;
  /** `--config`: a JSON file or a preset name. */
  readonly config?: string;
  /** `--resume`: the run folder (or its last/ checkpoint) to continue. */
  readonly resume?: string;
  /** `--allow-data-change`. */
  readonly allowDataChange?: boolean;
  /** `--onnx-export`: export the best (else last) checkpoint to this file after training. */
  readonly onnxExport?: string;
}

/** Trains as `request` says; returns the exit code (0 done, 130 stopped by Ctrl-C). */
export async function runTraining(request: TrainRequest, ctx: CliContext, hooks: TrainHooks = {}): Promise<number> {
  const { flags, resume: resumeArg, config: configArg } = request;
  if (resumeArg !== undefined && configArg !== undefined) {
    throw new UsageError(
      "--resume and --config cannot be combined",
      "a resumed run uses its saved configuration; drop --config",
    );
  }
  const { config, checkpoint } =
    resumeArg === undefined
      ? await startFresh(configArg, flags, hooks, warningsTo(ctx))
      : await startResumed(resumeArg, flags);
  const run = runFolder(config.save as string);
  const threads = threadsOf(config.threads, ctx.env);
  // Checked before the data loads, so a bad schedule fails fast.
  const schedule = scheduleOf(config);

  const codec = checkpoint ? checkpointCodec(checkpoint, resumeArg ?? "the checkpoint") : undefined;
  const corpus = await loadCorpus({ ...corpusRequestOf(config), codec });
  const fingerprint = dataFingerprint(corpus);
  const trainedOn = checkpoint ? splitSavedConfig(checkpoint.config).fingerprint : undefined;
  if (trainedOn !== undefined && trainedOn !== fingerprint) {
    const what = `the corpus (--data ${config.data}) differs from the one the run in ${resumeArg} was trained on`;
    if (request.allowDataChange !== true) {
      throw new UsageError(what, "use the original corpus, or pass --allow-data-change to continue on this one");
    }
    ctx.stderr.write(`rnnlm: warning: ${what}; continuing on it (--allow-data-change)\n`);
  }
  const spec = checkpoint ? checkpoint.spec : modelSpecOf(config, corpus.codec.size);
  const vocabWarning = checkpoint ? null : vocabularyWarning(config, corpus.codec.size, corpus.train.length);
  if (vocabWarning !== null) ctx.stderr.write(`rnnlm: warning: ${vocabWarning}\n`);
  const runtime = await loadBackend(
    backendHints({ config: config.backend, device: config.device, env: ctx.env }),
    "train",
    threads,
  );
  if (runtime.createTrainableModel === undefined) {
    throw new UsageError(
      `backend ${runtime.id} cannot train`,
      "choose a training backend with --backend (tfjs, reference)",
    );
  }
  checkTrainingFits(
    spec,
    {
      batchSize: config.batchSize,
      bptt: config.bptt,
      bytesPerValue: runtime.id.startsWith("reference") ? 8 : 4,
    },
    memoryBudget(ctx.env),
  );
  const onnxExport = request.onnxExport;
  // Before any training: a bad export path should not cost a run.
  if (onnxExport !== undefined) await checkOutputFile(onnxExport, "--onnx-export", false);
  const lock = await RunLock.acquire(run.dir, "train");
  let code: number;
  try {
    await claimRun(run, checkpoint !== null && resumeArg !== undefined ? resumeArg : null, hooks);
    code = await trainInto(run, { config, checkpoint, resumeArg, corpus, fingerprint, spec, runtime, schedule, ctx });
  } finally {
    await lock.release();
  }
  if (code !== 0 || onnxExport === undefined) return code;
  if (!(await holdsCheckpoint(run.best)) && !(await holdsCheckpoint(run.last))) {
    ctx.stdout.write(`| --onnx-export: ${run.dir} holds no checkpoint, so nothing was exported\n`);
    return 0;
  }
  return exportCheckpoint({ checkpoint: run.dir, onnx: onnxExport, force: false }, ctx);
}

/**
 * Under the run's lock: finishes what a crash left half-saved, then checks again that the
 * folder may be written (another process may have trained into it since the first check).
 */
async function claimRun(run: RunFolder, resumedFrom: string | null, hooks: TrainHooks): Promise<void> {
  try {
    await recoverLocked(run.last);
    await recoverLocked(run.best);
  } catch (error) {
    throw new UsageError(
      `cannot repair the interrupted save in ${run.dir} (${error instanceof Error ? error.message : String(error)})`,
      "check that the folder is writable",
    );
  }
  const resumingHere = resumedFrom !== null && [run.dir, run.last].some((p) => resolve(p) === resolve(resumedFrom));
  if (hooks.replaceRun) {
    await Promise.all([run.last, run.best, run.plot, run.metrics].map((p) => rm(p, { recursive: true, force: true })));
  } else if (!resumingHere) {
    const held = await heldRun(run);
    if (held !== null) throw alreadyHeld(run.dir, held);
  }
  await hooks.claimed?.(run.dir);
}

interface Prepared {
  readonly config: RunConfig;
  readonly checkpoint: CheckpointData | null;
  readonly resumeArg: string | undefined;
  readonly corpus: Awaited<ReturnType<typeof loadCorpus>>;
  readonly fingerprint: string;
  readonly spec: ModelSpec;
  readonly runtime: Awaited<ReturnType<typeof loadBackend>>;
  readonly schedule: ReturnType<typeof scheduleOf>;
  readonly ctx: CliContext;
}

async function trainInto(run: RunFolder, prepared: Prepared): Promise<number> {
  const { config, checkpoint, resumeArg, corpus, fingerprint, spec, runtime, schedule, ctx } = prepared;
  const out = ctx.stdout;
  if (runtime.createTrainableModel === undefined) throw new Error("unreachable: checked before locking");
  const training = checkpoint?.trainer?.training ?? trainingOptionsOf(config);
  const train = trainSource(config, corpus);
  const valid = corpus.valid ? evalSource(config, corpus.valid) : undefined;
  const test = corpus.test ? evalSource(config, corpus.test) : undefined;

  out.write(`rnnlm train${checkpoint ? ` (resuming ${resumeArg} at epoch ${checkpoint.trainer?.epoch})` : ""}\n`);
  out.write(formatConfig(config));
  out.write(
    `data: ${corpus.train.length} train` +
      `${corpus.valid ? ` / ${corpus.valid.length} valid` : ""}${corpus.test ? ` / ${corpus.test.length} test` : ""} tokens, ` +
      `${corpus.codec.tokenizer.kind}-level (${cleaningNote(corpus.codec)}), ${batchOrderOf(config, corpus)} batches of ${config.batchSize}×${config.bptt}\n`,
  );
  out.write(`model: ${describeSpec(spec)}\n`);
  out.write(`backend: ${runtime.id} (${runtime.description})\n`);
  out.write(`saving to: ${run.dir} (last/, best/, perplexity.svg)\n`);

  const model = await runtime.createTrainableModel(spec, {
    training,
    seed: config.seed,
    ...(checkpoint ? { weights: checkpoint.weights } : {}),
  });
  const savedConfigRecord: Record<string, unknown> = { ...config, [FINGERPRINT_KEY]: fingerprint };
  const codecJson = corpus.codec.toJSON();
  let history: readonly EpochRecord[] = checkpoint?.trainer?.history ?? [];

  // A resumed run in its own folder continues its log; a fresh run or a fork starts one.
  const continuing = checkpoint !== null && resumeArg !== undefined;
  const metrics = new MetricsLog(config.logInterval, continuing ? await MetricsLog.readPrevious(run.metrics) : []);
  let saved = false;
  // Saves run behind training: each checkpoint (with the metrics and the plot) is captured when
  // the loop asks for it and written, atomically, while training goes on; a d2l epoch takes
  // ~90 ms and waited for its fsyncs. Where epochs outrun the disk the newest waiting save of
  // last/ (or best/) replaces an older one. A failed write stops the run at the next
  // checkpoint; an interruption and the end of the run wait for every write.
  const writes = new BackgroundWrites();
  const onCheckpoint = async (reason: CheckpointReason, state: TrainerState): Promise<void> => {
    writes.check();
    saved = true;
    const data: CheckpointData = {
      spec,
      weights: await model.getWeights(),
      codec: codecJson,
      config: savedConfigRecord,
      trainer: state,
    };
    if (reason === "best") {
      writes.schedule("best", () => saveCheckpoint(run.best, data));
      return;
    }
    const metricsText = metrics.text();
    let plot: string | null = null;
    if (reason === "epoch") {
      history = state.history;
      plot = renderPerplexitySvg(history, `${spec.cell} perplexity — ${run.dir}`);
    }
    // The metrics never get ahead of last/: they are written after its checkpoint.
    writes.schedule("last", async () => {
      await saveCheckpoint(run.last, data);
      await writeFileAtomic(run.metrics, metricsText);
      if (plot !== null) await writeFileAtomic(run.plot, plot);
    });
    if (reason === "interrupted") await writes.flush();
  };

  const charLevel = corpus.codec.tokenizer.kind === "char";
  const reporter = new ProgressReporter(out, {
    epochs: config.epochs,
    logInterval: config.logInterval,
    learningRate: () => model.learningRate,
    charLevel,
  });
  ctx.interrupts?.setStoppable(true);
  let result: Awaited<ReturnType<typeof trainLoop>>;
  try {
    result = await trainLoop({
      model,
      train,
      valid,
      test,
      epochs: config.epochs,
      schedule,
      ...(checkpoint?.trainer ? { resume: checkpoint.trainer } : {}),
      signal: ctx.interrupts?.signal,
      onEvent: (event) => {
        reporter.onEvent(event);
        metrics.onEvent(event, model.learningRate);
      },
      onCheckpoint,
    });
  } finally {
    await writes.flush().catch(() => undefined);
    ctx.interrupts?.setStoppable(false);
    reporter.clearBar();
  }
  await writes.flush();
  model.dispose();

  if (result.interrupted) {
    out.write(`| stopped: checkpoint saved in ${run.last}\n`);
    out.write(`| resume with: rnnlm train --resume ${run.dir}\n`);
    return ctx.interrupts?.exitCode ?? 130;
  }
  const last = result.history.at(-1);
  const parts = [`| end of training | epochs ${result.history.length}`];
  if (last) parts.push(`train ppl ${last.trainPerplexity.toFixed(2)}`);
  if (result.bestValidPerplexity !== null) parts.push(lossFigures("best valid", result.bestValidPerplexity, charLevel));
  if (result.testPerplexity !== null) parts.push(lossFigures("test", result.testPerplexity, charLevel));
  out.write(`${parts.join(" | ")}\n`);
  if (!saved) {
    const done = checkpoint?.trainer?.epoch;
    out.write(
      `| nothing trained (--epochs ${config.epochs}${done === undefined ? "" : `, the run has ${done} already`}): no checkpoint written\n`,
    );
    return 0;
  }
  out.write(
    `| checkpoints: ${run.last}${result.bestValidPerplexity !== null ? `, ${run.best}` : ""} | plot: ${run.plot} | metrics: ${run.metrics}\n`,
  );
  return 0;
}
