import { evaluatePerplexity } from "@rnnlm/core";
import { loadCheckpoint } from "@rnnlm/core/node";
import { evalSource } from "../batch-sources.js";
import { checkpointRunConfig } from "../checkpoint-run-config.js";
import { backendHints, loadBackend } from "../choose-backend.js";
import type { CliContext } from "../cli-output.js";
import { CONFIG_FLAGS } from "../config-keys.js";
import type { FlagDef } from "../flag-def.js";
import { configLayerFromFlags } from "../flag-layer.js";
import { helpText } from "../help-text.js";
import { loadCorpus } from "../load-corpus.js";
import { parseFlags } from "../parse-flags.js";
import { resolveRunConfig } from "../run-config.js";
import { findCheckpoint } from "../run-folder.js";
import { UsageError } from "../usage-error.js";
import { checkpointCodec } from "../checkpoint-codec.js";

const pick = (...names: string[]): FlagDef[] => CONFIG_FLAGS.filter((d) => names.includes(d.flag));

const EVAL_FLAGS: readonly FlagDef[] = [
  { flag: "checkpoint", type: "string", placeholder: "DIR", help: "run folder (uses best/, else last/) or checkpoint" },
  ...pick("data", "max-tokens", "bptt", "eval-batch-size", "backend", "device"),
];

export const EVAL_HELP = helpText(
  ["rnnlm eval --checkpoint DIR [--data FILE|DIR] [--backend HINTS]"],
  "Prints the perplexity of a checkpoint on every split of the corpus (train for a single file;\n" +
    "valid and test for a folder). --data defaults to the corpus the run was trained on; its\n" +
    "vocabulary must fit the checkpoint's.",
  EVAL_FLAGS,
);

/** `rnnlm eval`. */
export async function evalCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseFlags("eval", argv, EVAL_FLAGS);
  if (values.help) {
    ctx.stdout.write(EVAL_HELP);
    return 0;
  }
  if (typeof values.checkpoint !== "string") {
    throw new UsageError("rnnlm eval needs --checkpoint DIR", "pass the run folder written by rnnlm train --save DIR");
  }
  const flags = configLayerFromFlags(values, "eval");
  const dir = await findCheckpoint(values.checkpoint, "--checkpoint", ["best", "last"]);
  const checkpoint = await loadCheckpoint(dir);
  const config = resolveRunConfig(checkpointRunConfig(checkpoint), flags);
  const codec = checkpointCodec(checkpoint, dir);
  const corpus = await loadCorpus({ data: config.data, level: config.level, maxTokens: config.maxTokens, codec });
  // Evaluation needs only forward passes, so inference-only devices (onnx:cuda) work too.
  const runtime = await loadBackend(backendHints({ flag: flags.backend, device: flags.device, env: ctx.env }), "infer");
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
    ctx.stdout.write(`| ${name} ppl ${ppl.toFixed(4)} | ${name} loss ${Math.log(ppl).toFixed(4)} |\n`);
  }
  model.dispose();
  return 0;
}
