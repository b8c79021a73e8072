import type { CliContext } from "./cli-output.js";
import { cliVersion } from "./cli-version.js";
import { BENCH_HELP, benchCommand } from "./commands/bench.js";
import { DEMO_HELP, demoCommand } from "./commands/demo.js";
import { EVAL_HELP, evalCommand } from "./commands/eval.js";
import { EXPORT_HELP, exportCommand } from "./commands/export.js";
import { GENERATE_HELP, generateCommand } from "./commands/generate.js";
import { TRAIN_HELP, trainCommand } from "./commands/train.js";
import { reportError } from "./report-error.js";
import { UsageError } from "./usage-error.js";

type Command = (argv: readonly string[], ctx: CliContext) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string; summary: string }> = {
  train: { run: trainCommand, help: TRAIN_HELP, summary: "train a model, or --resume a run" },
  eval: { run: evalCommand, help: EVAL_HELP, summary: "perplexity of a checkpoint on a corpus" },
  generate: { run: generateCommand, help: GENERATE_HELP, summary: "continue a prefix (checkpoint or .onnx)" },
  export: { run: exportCommand, help: EXPORT_HELP, summary: "export a checkpoint to ONNX" },
  bench: { run: benchCommand, help: BENCH_HELP, summary: "training and generation speed of every backend" },
  demo: { run: demoCommand, help: DEMO_HELP, summary: "train, generate, export, generate with ONNX Runtime" },
};

export const MAIN_HELP = `Usage: rnnlm <command> [flags…]

Recurrent neural network language models (RNN, GRU, LSTM): train in Node, export to ONNX.

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`)
  .join("\n")}

Run "rnnlm <command> --help" for its flags. Backends: --backend, the config key "backend",
or RNNLM_BACKEND (e.g. tfjs:wasm, onnx:cpu, reference; default auto). RNNLM_DEBUG=1 prints
stack traces of unexpected errors. PyTorch spellings work too: --batch_size (any flag, and any
config key, with _ for -), --cuda (the best CUDA backend), train --onnx-export FILE,
generate --words N --outf FILE.
`;

/** Runs `rnnlm <argv…>` and returns the exit code (errors are reported on `ctx.stderr`). */
export async function runCli(argv: readonly string[], ctx: CliContext): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      if (name === "help" && rest[0] && COMMANDS[rest[0]]) ctx.stdout.write(COMMANDS[rest[0]].help);
      else ctx.stdout.write(MAIN_HELP);
      return name === undefined ? 2 : 0;
    }
    if (name === "--version" || name === "-v") {
      ctx.stdout.write(`rnnlm ${cliVersion()}\n`);
      return 0;
    }
    const command = COMMANDS[name];
    if (command === undefined) {
      throw new UsageError(
        `unknown command "${name}"`,
        `use one of ${Object.keys(COMMANDS).join(", ")} (rnnlm --help)`,
      );
    }
    return await command.run(rest, ctx);
  } catch (error) {
    return reportError(error, ctx);
  }
}
