import type { BackendRuntime, Model, SamplingOptions } from "@rnnlm/core";
import { TextGenerator } from "@rnnlm/core";
import { loadCheckpoint, writeFileAtomic } from "@rnnlm/core/node";
import { TextCodec } from "@rnnlm/data";
import { checkpointCodec } from "../checkpoint-codec.js";
import { backendHints, loadBackend, threadsOf } from "../choose-backend.js";
import { CapturedOutput, type CliContext, type CliOutput } from "../cli-output.js";
import type { FlagDef } from "../flag-def.js";
import { helpText } from "../help-text.js";
import { checkOutputFile } from "../output-file.js";
import { type FlagValues, parseFlags } from "../parse-flags.js";
import { findCheckpoint } from "../run-folder.js";
import { UsageError } from "../usage-error.js";

const GENERATE_FLAGS: readonly FlagDef[] = [
  { flag: "checkpoint", type: "string", placeholder: "DIR", help: "run folder (uses best/, else last/) or checkpoint" },
  { flag: "model-file", type: "string", placeholder: "FILE.onnx", help: "a model exported with rnnlm export" },
  { flag: "prefix", type: "string", placeholder: "TEXT", help: "text the model reads first (warm-up)" },
  {
    flag: "length",
    aliases: ["words"],
    type: "int",
    placeholder: "N",
    help: "tokens to generate (default 50; --words is PyTorch's spelling)",
  },
  { flag: "greedy", type: "boolean", help: "always take the most likely token (default)" },
  { flag: "temperature", type: "number", placeholder: "T", help: "sample from softmax(logits / T)" },
  { flag: "top-k", type: "int", placeholder: "K", help: "sample among the K most likely tokens" },
  { flag: "top-p", type: "number", placeholder: "P", help: "sample from the smallest set with probability ≥ P" },
  { flag: "seed", type: "int", placeholder: "S", help: "makes sampling reproducible (needs a sampling flag)" },
  {
    flag: "backend",
    type: "string",
    placeholder: "HINTS",
    help: "runtime: tfjs[:device], onnx[:cpu|wasm], reference (default RNNLM_BACKEND, else auto)",
  },
  { flag: "device", type: "string", placeholder: "DEV", help: "device for a --backend given alone" },
  {
    flag: "threads",
    type: "int",
    placeholder: "N",
    help: "CPU threads of the backend (default RNNLM_THREADS, else the device's)",
  },
  {
    flag: "outf",
    type: "string",
    placeholder: "FILE",
    help: "write the text to FILE (atomically, when done) instead of stdout (PyTorch's --outf)",
  },
  { flag: "force", type: "boolean", help: "replace the --outf FILE if it exists" },
];

export const GENERATE_HELP = helpText(
  [
    "rnnlm generate (--checkpoint DIR | --model-file FILE.onnx) --prefix TEXT --length N",
    "               [--greedy | --temperature T --top-k K --top-p P] [--seed S] [--backend tfjs|onnx[:device]]",
    "               [--outf FILE [--force]]",
  ],
  "Continues the prefix and streams the text to stdout: the prefix (as the model tokenises it),\n" +
    "then each token as it is chosen (SPEC §1 predict: warm up on the prefix from the zero state,\n" +
    "feed back each token). Greedy unless a sampling flag is given.",
  GENERATE_FLAGS,
);

/** Sampling options from the flags, validated before anything is loaded. */
export function samplingFromFlags(values: FlagValues): SamplingOptions {
  const sampled = ["temperature", "top-k", "top-p"].filter((f) => f in values);
  if (values.greedy === true && sampled.length > 0) {
    throw new UsageError(
      `--greedy cannot be combined with --${sampled[0]}`,
      "drop --greedy to sample, or drop the sampling flags",
    );
  }
  const temperature = values.temperature as number | undefined;
  const topK = values["top-k"] as number | undefined;
  const topP = values["top-p"] as number | undefined;
  const seed = values.seed as number | undefined;
  if (temperature !== undefined && !(temperature > 0)) {
    throw new UsageError(`--temperature must be positive, got ${temperature}`, "write e.g. --temperature 0.8");
  }
  if (topK !== undefined && topK < 0) throw new UsageError(`--top-k must be ≥ 0, got ${topK}`, "write e.g. --top-k 5");
  if (topP !== undefined && !(topP > 0 && topP <= 1)) {
    throw new UsageError(`--top-p must be in (0, 1], got ${topP}`, "write e.g. --top-p 0.9");
  }
  if (seed !== undefined && seed < 0) throw new UsageError(`--seed must be ≥ 0, got ${seed}`, "write e.g. --seed 1");
  if (sampled.length === 0) {
    if (seed !== undefined) {
      throw new UsageError(
        "--seed only changes sampling, and without --temperature, --top-k or --top-p generation is greedy",
        "add a sampling flag (e.g. --temperature 1), or drop --seed",
      );
    }
    return { greedy: true };
  }
  return { temperature, topK, topP, seed };
}

interface LoadedForGeneration {
  readonly model: Model;
  readonly codec: TextCodec;
}

async function fromCheckpoint(path: string, runtime: BackendRuntime): Promise<LoadedForGeneration> {
  const checkpoint = await loadCheckpoint(await findCheckpoint(path, "--checkpoint", ["best", "last"]));
  const codec = checkpointCodec(checkpoint, path);
  return { model: await runtime.createModel(checkpoint.spec, { weights: checkpoint.weights }), codec };
}

async function fromOnnx(path: string, runtime: BackendRuntime): Promise<LoadedForGeneration> {
  const { loadOnnxModel } = await import("@rnnlm/backend-onnx");
  const loaded = await loadOnnxModel(path, runtime);
  if (loaded.codec === null) {
    loaded.model.dispose();
    throw new UsageError(
      `${path} carries no vocabulary (rnnlm.codec metadata)`,
      "export it with rnnlm export --checkpoint DIR --onnx FILE",
    );
  }
  return { model: loaded.model, codec: TextCodec.fromJSON(loaded.codec) };
}

export interface GenerateRequest {
  readonly checkpoint?: string;
  readonly modelFile?: string;
  readonly prefix: string;
  readonly length: number;
  readonly sampling: SamplingOptions;
  readonly hints: readonly string[];
  /** CPU threads (undefined: the device's default). */
  readonly threads?: number;
}

/**
 * Loads the model, streams `prefix` + the generated tokens to `out`, and returns the whole
 * text (as printed, without the final newline) with the runtime that produced it.
 */
export async function generateText(
  request: GenerateRequest,
  out: CliOutput,
  warn: (message: string) => void,
): Promise<{ text: string; runtime: string }> {
  const runtime = await loadBackend(request.hints, "infer", request.threads);
  const { model, codec } = request.modelFile
    ? await fromOnnx(request.modelFile, runtime)
    : await fromCheckpoint(request.checkpoint as string, runtime);
  const generator = new TextGenerator(model, codec, { onWarning: warn });
  try {
    let text = codec.tokenize(request.prefix).join(codec.separator);
    out.write(text);
    for await (const token of generator.stream(request.prefix, request.length, request.sampling)) {
      const piece = `${codec.separator}${token}`;
      text += piece;
      out.write(piece);
      // Backends that compute synchronously never give the event loop a turn otherwise, and
      // Ctrl-C (or a closed stdout) would wait for the whole generation.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    out.write("\n");
    return { text, runtime: runtime.id };
  } finally {
    generator.dispose();
    model.dispose();
  }
}

/** `rnnlm generate`. */
export async function generateCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseFlags("generate", argv, GENERATE_FLAGS);
  if (values.help) {
    ctx.stdout.write(GENERATE_HELP);
    return 0;
  }
  const checkpoint = values.checkpoint as string | undefined;
  const modelFile = values["model-file"] as string | undefined;
  if ((checkpoint === undefined) === (modelFile === undefined)) {
    throw new UsageError(
      checkpoint === undefined ? "rnnlm generate needs a model" : "--checkpoint and --model-file cannot be combined",
      "pass either --checkpoint DIR or --model-file FILE.onnx",
    );
  }
  if (typeof values.prefix !== "string" || values.prefix.length === 0) {
    throw new UsageError("rnnlm generate needs --prefix TEXT", 'write e.g. --prefix "time traveller"');
  }
  const length = (values.length as number | undefined) ?? 50;
  if (length < 0) throw new UsageError(`--length must be ≥ 0, got ${length}`, "write e.g. --length 50");
  const sampling = samplingFromFlags(values);
  const hints = backendHints({
    flag: values.backend as string | undefined,
    device: values.device as string | undefined,
    env: ctx.env,
  });
  const threads = threadsOf(values.threads as number | undefined, ctx.env);
  const outf = values.outf as string | undefined;
  // Checked before loading anything, and the text lands in the file only once complete.
  if (outf !== undefined) await checkOutputFile(outf, "--outf", values.force === true);
  const sink = outf === undefined ? ctx.stdout : new CapturedOutput();
  const { text } = await generateText(
    { checkpoint, modelFile, prefix: values.prefix, length, sampling, hints, threads },
    sink,
    (message) => ctx.stderr.write(`rnnlm: warning: ${message}\n`),
  );
  if (outf !== undefined) {
    await checkOutputFile(outf, "--outf", values.force === true);
    await writeFileAtomic(outf, `${text}\n`);
    ctx.stdout.write(`wrote ${outf} (${length} tokens after the prefix)\n`);
  }
  return 0;
}
