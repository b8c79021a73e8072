import { stat } from "node:fs/promises";
import { loadCheckpoint } from "@rnnlm/core/node";
import { checkpointCodec } from "../checkpoint-codec.js";
import type { CliContext } from "../cli-output.js";
import type { FlagDef } from "../flag-def.js";
import { helpText } from "../help-text.js";
import { checkOutputFile } from "../output-file.js";
import { parseFlags } from "../parse-flags.js";
import { findCheckpoint } from "../run-folder.js";
import { UsageError } from "../usage-error.js";

const EXPORT_FLAGS: readonly FlagDef[] = [
  { flag: "checkpoint", type: "string", placeholder: "DIR", help: "run folder (uses best/, else last/) or checkpoint" },
  { flag: "onnx", type: "string", placeholder: "FILE.onnx", help: "where to write the ONNX model" },
  { flag: "force", type: "boolean", help: "replace FILE.onnx if it exists" },
];

export const EXPORT_HELP = helpText(
  ["rnnlm export --checkpoint DIR --onnx FILE.onnx [--force]"],
  "Exports a checkpoint to ONNX (opset 17) with its vocabulary and spec in the metadata, so\n" +
    "`rnnlm generate --model-file FILE.onnx` (or onnxruntime anywhere) can run it alone. An\n" +
    "existing FILE.onnx is replaced only with --force; a path inside a checkpoint folder, a\n" +
    "folder or a device is refused.",
  EXPORT_FLAGS,
);

/** `rnnlm export`. */
export async function exportCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseFlags("export", argv, EXPORT_FLAGS);
  if (values.help) {
    ctx.stdout.write(EXPORT_HELP);
    return 0;
  }
  if (typeof values.checkpoint !== "string") {
    throw new UsageError(
      "rnnlm export needs --checkpoint DIR",
      "pass the run folder written by rnnlm train --save DIR",
    );
  }
  if (typeof values.onnx !== "string") {
    throw new UsageError("rnnlm export needs --onnx FILE.onnx", "name the file to write, e.g. --onnx model.onnx");
  }
  return exportCheckpoint({ checkpoint: values.checkpoint, onnx: values.onnx, force: values.force === true }, ctx);
}

/** What `rnnlm export` does, as `train --onnx-export` and `demo` ask for it. */
export interface ExportRequest {
  /** A run folder (its best/, else last/) or a checkpoint folder. */
  readonly checkpoint: string;
  readonly onnx: string;
  /** Replace an existing file. */
  readonly force: boolean;
}

/** Exports a checkpoint to ONNX and prints what it wrote; returns the exit code. */
export async function exportCheckpoint(request: ExportRequest, ctx: CliContext): Promise<number> {
  const { onnx: target, force } = request;
  await checkOutputFile(target, "--onnx", force);
  const dir = await findCheckpoint(request.checkpoint, "--checkpoint", ["best", "last"]);
  const checkpoint = await loadCheckpoint(dir);
  const { exportOnnxFile } = await import("@rnnlm/backend-onnx");
  const codec = checkpoint.codec;
  if (typeof codec !== "object" || codec === null || Array.isArray(codec)) {
    throw new UsageError(
      `the checkpoint ${dir} has no vocabulary (codec), so the ONNX file could not turn ids into text`,
      "save the checkpoint with its codec (saveCheckpoint(dir, { spec, weights, codec: codec.toJSON() })), or export one written by rnnlm train",
    );
  }
  checkpointCodec(checkpoint, dir);
  const metadata: Record<string, string> = {};
  if (checkpoint.config) metadata.training_config = JSON.stringify(checkpoint.config);
  if (checkpoint.trainer) metadata.epochs_trained = String(checkpoint.trainer.epoch);
  // Checked again just before writing: the checkpoint may have taken a while to load.
  await checkOutputFile(target, "--onnx", force);
  await exportOnnxFile(target, checkpoint.spec, checkpoint.weights, { codec, metadata });
  const bytes = (await stat(target)).size;
  ctx.stdout.write(
    `wrote ${target} (${bytes} bytes, ${checkpoint.spec.cell}, vocabulary ${checkpoint.spec.vocabSize}) from ${dir}\n`,
  );
  return 0;
}
