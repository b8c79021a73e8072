import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { loadCheckpoint } from "@rnnlm/core/node";
import { backendHints, loadBackend, threadsOf } from "../choose-backend.js";
import { CapturedOutput, type CliContext } from "../cli-output.js";
import type { FlagDef } from "../flag-def.js";
import { helpText } from "../help-text.js";
import { parseFlags } from "../parse-flags.js";
import { holdsCheckpoint, runFolder } from "../run-folder.js";
import { UsageError } from "../usage-error.js";
import { exportCommand } from "./export.js";
import { generateText } from "./generate.js";
import { trainCommand } from "./train.js";

const DEMO_FLAGS: readonly FlagDef[] = [
  { flag: "save", type: "string", placeholder: "DIR", help: "run folder (default runs/demo)" },
  { flag: "config", type: "string", placeholder: "FILE|PRESET", help: "training preset (default d2l-lstm-quick)" },
  { flag: "epochs", type: "int", placeholder: "N", help: "override the preset's epochs" },
  {
    flag: "backend",
    type: "string",
    placeholder: "HINTS",
    help: "training backend (default RNNLM_BACKEND, else auto)",
  },
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
  const values = parseFlags("demo", argv, DEMO_FLAGS);
  if (values.help) {
    ctx.stdout.write(DEMO_HELP);
    return 0;
  }
  const out = ctx.stdout;
  const save = typeof values.save === "string" ? values.save : join("runs", "demo");
  const preset = typeof values.config === "string" ? values.config : "d2l-lstm-quick";
  const trainArgs = ["--config", preset, "--save", save];
  if (typeof values.epochs === "number") trainArgs.push("--epochs", String(values.epochs));
  if (typeof values.backend === "string") trainArgs.push("--backend", values.backend);

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
  out.write(`\n== 1. rnnlm train ${trainArgs.join(" ")}\n`);
  const trained = await trainCommand(trainArgs, ctx, {
    replaceRun: owned,
    claimed: (dir) => writeFile(join(dir, DEMO_MARKER), "written by rnnlm demo, which may replace this run\n"),
  });
  if (trained !== 0) return trained;

  const checkpoint = await loadCheckpoint(runFolder(save).last);
  const last = checkpoint.trainer?.history.at(-1);
  const trainRuntime = await loadBackend(
    backendHints({ flag: values.backend as string | undefined, env: ctx.env }),
    "train",
    threadsOf(undefined, ctx.env),
  );
  out.write(`\nperplexity ${last ? last.trainPerplexity.toFixed(2) : "?"} after ${last?.epoch ?? 0} epochs\n`);

  const warn = (message: string): void => ctx.stderr.write(`rnnlm: warning: ${message}\n`);
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
  const exported = await exportCommand(
    ["--checkpoint", save, "--onnx", onnxFile, ...(replaceOnnx ? ["--force"] : [])],
    ctx,
  );
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
