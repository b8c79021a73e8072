import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadCheckpoint } from "@rnnlm/core/node";
import { backendHints, loadBackend, threadsOf } from "../choose-backend.js";
import { CapturedOutput, type CliContext, warningsTo } from "../cli-output.js";
import { CONFIG_FLAGS } from "../config-keys.js";
import type { FlagDef } from "../flag-def.js";
import { configLayerFromFlags } from "../flag-layer.js";
import { helpText } from "../help-text.js";
import { parseFlags } from "../parse-flags.js";
import type { PartialRunConfig } from "../run-config.js";
import { holdsCheckpoint, runFolder } from "../run-folder.js";
import { UsageError } from "../usage-error.js";
import { exportCheckpoint } from "./export.js";
import { generateText } from "./generate.js";
import { runTraining } from "./train.js";

/** A config-key flag as the demo takes it: its table entry with the demo's help. */
function demoFlag(key: "save" | "epochs" | "backend", help: string): FlagDef {
  const def = CONFIG_FLAGS.find((d) => d.key === key);
  if (def === undefined) throw new Error(`unreachable: ${key} is a config key`);
  return { ...def, help };
}

const DEMO_FLAGS: readonly FlagDef[] = [
  demoFlag("save", "run folder (default runs/demo)"),
  { flag: "config", type: "string", placeholder: "FILE|PRESET", help: "training preset (default d2l-lstm-quick)" },
  demoFlag("epochs", "override the preset's epochs"),
  demoFlag("backend", "training backend (default RNNLM_BACKEND, else auto)"),
  { flag: "force", type: "boolean", help: "replace a run in --save that an earlier demo did not write" },
];

/** Marks a run folder the demo created, which a later demo may replace without --force. */
export const DEMO_MARKER = ".rnnlm-demo";

export const DEMO_HELP = helpText(
  ["rnnlm demo [--save DIR] [--config PRESET] [--epochs N] [--backend HINTS] [--force]"],
  "The README's main job: trains d2l's Time Machine LSTM (preset d2l-lstm-quick) with progress,\n" +
    'prints its perplexity and the greedy continuation of "time traveller" (50 characters),\n' +
    "exports the model to ONNX, generates the same continuation with ONNX Runtime (onnx:cpu),\n" +
    "and checks that both agree (exit 1 if they do not). A later demo replaces the run an earlier\n" +
    "demo wrote in DIR (or in runs/demo), once everything is validated; any other needs --force.",
  DEMO_FLAGS,
);

const PREFIX = "time traveller";
const LENGTH = 50;

/** `rnnlm demo` (`npm start`). */
export async function demoCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseFlags("demo", argv, DEMO_FLAGS, warningsTo(ctx));
  if (values.help) {
    ctx.stdout.write(DEMO_HELP);
    return 0;
  }
  const out = ctx.stdout;
  const given = configLayerFromFlags(values, "demo");
  const save = given.save ?? join("runs", "demo");
  const preset = typeof values.config === "string" ? values.config : "d2l-lstm-quick";
  const flags: PartialRunConfig = { ...given, save };
  const trainLine = [
    `--config ${preset} --save ${save}`,
    ...(flags.epochs === undefined ? [] : [`--epochs ${flags.epochs}`]),
    ...(typeof flags.backend === "string" ? [`--backend ${flags.backend}`] : []),
  ].join(" ");

  // The demo replaces only a run an earlier demo wrote, or any with --force; train deletes it
  // only after validating the config, data and backend, under the folder's lock.
  const run = runFolder(save);
  // runs/demo (no --save) is the demo's own folder, also when an older demo wrote it unmarked.
  const owned = values.force === true || values.save === undefined || existsSync(join(save, DEMO_MARKER));
  const held = (await holdsCheckpoint(run.last)) || (await holdsCheckpoint(run.best));
  if (held && !owned) {
    throw new UsageError(
      `--save ${save} holds a run that rnnlm demo did not write`,
      `choose another --save folder, or pass --force to replace it`,
    );
  }
  const onnxFile = join(save, "model.onnx");
  const replaceOnnx = owned || !existsSync(onnxFile);
  out.write(`\n== 1. rnnlm train ${trainLine}\n`);
  const trained = await runTraining({ config: preset, flags }, ctx, {
    replaceRun: owned,
    claimed: (dir) => writeFile(join(dir, DEMO_MARKER), "written by rnnlm demo, which may replace this run\n"),
  });
  if (trained !== 0) return trained;

  const checkpoint = await loadCheckpoint(runFolder(save).last);
  const last = checkpoint.trainer?.history.at(-1);
  const trainRuntime = await loadBackend(
    backendHints({ flag: flags.backend ?? undefined, env: ctx.env }),
    "train",
    threadsOf(undefined, ctx.env),
  );
  out.write(`\nperplexity ${last ? last.trainPerplexity.toFixed(2) : "?"} after ${last?.epoch ?? 0} epochs\n`);

  const warn = warningsTo(ctx);
  // The checkpoint runs on the embedded runtime (TensorFlow.js) when it is installed, so the
  // check compares two independent runtimes even when ONNX Runtime did the training.
  const embedded = await loadBackend(["tfjs", trainRuntime.id], "infer");
  out.write(
    `\n== 2. rnnlm generate --checkpoint ${save} --prefix "${PREFIX}" --length ${LENGTH} --backend ${embedded.id}\n`,
  );
  const native = await generateText(
    { checkpoint: save, prefix: PREFIX, length: LENGTH, sampling: { greedy: true }, hints: [embedded.id] },
    new CapturedOutput(out),
    warn,
  );

  out.write(`\n== 3. rnnlm export --checkpoint ${save} --onnx ${onnxFile}\n`);
  const exported = await exportCheckpoint({ checkpoint: save, onnx: onnxFile, force: replaceOnnx }, ctx);
  if (exported !== 0) return exported;

  out.write(
    `\n== 4. rnnlm generate --model-file ${onnxFile} --prefix "${PREFIX}" --length ${LENGTH} --backend onnx:cpu\n`,
  );
  const onnx = await generateText(
    { modelFile: onnxFile, prefix: PREFIX, length: LENGTH, sampling: { greedy: true }, hints: ["onnx:cpu"] },
    new CapturedOutput(out),
    warn,
  );

  if (native.text !== onnx.text) {
    ctx.stderr.write(
      `rnnlm: error: the continuations differ (${native.runtime}: "${native.text}", ${onnx.runtime}: "${onnx.text}"); ` +
        "report this with the run folder attached\n",
    );
    return 1;
  }
  out.write(`\nthe ${native.runtime} and ${onnx.runtime} continuations match ✓\n`);
  return 0;
}
