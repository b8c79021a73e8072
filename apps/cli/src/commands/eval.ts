import { evaluatePerplexity } from "@rnnlm/core";
import { loadCheckpoint } from "@rnnlm/core/node";
import { evalSource } from "../batch-sources.js";
import { checkpointCodec } from "../checkpoint-codec.js";
import { checkpointRunConfig } from "../checkpoint-run-config.js";
import { backendHints, loadBackend, threadsOf } from "../choose-backend.js";
import { type CliContext, warningsTo } from "../cli-output.js";
import { configFlagsOf } from "../config-keys.js";
import type { FlagDef } from "../flag-def.js";
import { configLayerFromFlags } from "../flag-layer.js";
import { helpText } from "../help-text.js";
import { corpusRequestOf, loadCorpus } from "../load-corpus.js";
import { lossFigures } from "../loss-figures.js";
import { parseFlags } from "../parse-flags.js";
import { resolveRunConfig } from "../run-config.js";
import { findCheckpoint, holdsCheckpoint, recoverIfIdle, runFolder } from "../run-folder.js";
import { UsageError } from "../usage-error.js";

const EVAL_FLAGS: readonly FlagDef[] = [
  { flag: "checkpoint", type: "string", placeholder: "DIR", help: "run folder (uses best/, else last/) or checkpoint" },
  {
    flag: "which",
    type: "choice",
    choices: ["best", "last", "both"],
    help: "in a run folder: best/ (default; last/ when there is none), last/, or both",
  },
  ...configFlagsOf("eval"),
];

export const EVAL_HELP = helpText(
  ["rnnlm eval --checkpoint DIR [--which best|last|both] [--data FILE|DIR] [--backend HINTS]"],
  "Prints the perplexity of a checkpoint on every split of the corpus (train for a single file;\n" +
    "valid and test for a folder): a run folder's best/ by default, its last/ or both with\n" +
    "--which. --data defaults to the corpus the run was trained on; its vocabulary must fit the\n" +
    "checkpoint's.",
  EVAL_FLAGS,
);

/** The checkpoint folders `--checkpoint` and `--which` name, in the order they are printed. */
async function checkpointsToEvaluate(path: string, which: string | undefined): Promise<string[]> {
  if (which === undefined) return [await findCheckpoint(path, "--checkpoint", ["best", "last"])];
  await recoverIfIdle(path, "eval");
  if (await holdsCheckpoint(path)) {
    throw new UsageError(
      `--which ${which} needs a run folder, but --checkpoint ${path} is one checkpoint`,
      `pass the run folder (the --save DIR of rnnlm train), or drop --which`,
    );
  }
  const run = runFolder(path);
  const wanted = which === "both" ? (["best", "last"] as const) : ([which as "best" | "last"] as const);
  const dirs: string[] = [];
  for (const name of wanted) {
    await recoverIfIdle(run[name], "eval");
    if (!(await holdsCheckpoint(run[name]))) {
      throw new UsageError(
        `--checkpoint ${path} has no ${name}/ checkpoint`,
        name === "best"
          ? "best/ is written when a run with validation data improves; use --which last"
          : 'pass a run folder written by "rnnlm train --save DIR"',
      );
    }
    dirs.push(run[name]);
  }
  return dirs;
}

/** `rnnlm eval`. */
export async function evalCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseFlags("eval", argv, EVAL_FLAGS, warningsTo(ctx));
  if (values.help) {
    ctx.stdout.write(EVAL_HELP);
    return 0;
  }
  if (typeof values.checkpoint !== "string") {
    throw new UsageError("rnnlm eval needs --checkpoint DIR", "pass the run folder written by rnnlm train --save DIR");
  }
  const flags = configLayerFromFlags(values, "eval");
  const which = typeof values.which === "string" ? values.which : undefined;
  const dirs = await checkpointsToEvaluate(values.checkpoint, which);
  // Evaluation needs only forward passes, so inference-only devices (onnx:cuda) work too.
  const runtime = await loadBackend(
    backendHints({ flag: flags.backend, device: flags.device, env: ctx.env }),
    "infer",
    threadsOf(flags.threads, ctx.env),
  );
  for (const dir of dirs) {
    const checkpoint = await loadCheckpoint(dir);
    const config = resolveRunConfig(checkpointRunConfig(checkpoint), flags);
    const codec = checkpointCodec(checkpoint, dir);
    const corpus = await loadCorpus({ ...corpusRequestOf(config), codec });
    const model = await runtime.createModel(checkpoint.spec, { weights: checkpoint.weights });
    const epoch = checkpoint.trainer?.epoch;
    ctx.stdout.write(
      `checkpoint ${dir}${epoch === undefined ? "" : ` (epoch ${epoch})`} on ${runtime.id}, data ${config.data}\n`,
    );
    const splits = [
      ["valid", corpus.valid],
      ["test", corpus.test],
    ] as const;
    const present = splits.filter(([, ids]) => ids !== null);
    for (const [name, ids] of present.length > 0 ? present : [["train", corpus.train] as const]) {
      const ppl = await evaluatePerplexity(model, evalSource(config, ids as Int32Array));
      ctx.stdout.write(`| ${lossFigures(name, ppl, codec.tokenizer.kind === "char", 4)} |\n`);
    }
    model.dispose();
  }
  return 0;
}
