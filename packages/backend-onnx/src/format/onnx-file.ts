import { open, stat } from "node:fs/promises";
import type { BackendRuntime, Model, ModelSpec, Weights } from "@rnnlm/core";
import { loadCheckpoint, writeFileAtomic } from "@rnnlm/core/node";
import { type LoadedOnnxModel, loadOnnxModelBytes } from "../runtime/load-onnx-model.js";
import { type ExportOnnxOptions, exportModel, exportOnnx } from "./export-onnx.js";
import { isJsonObject } from "./json-value.js";
import { OnnxFileError } from "./onnx-file-error.js";
import { MAX_ONNX_BYTES } from "./read-onnx-model.js";

/**
 * Writes bytes to `path` atomically (temporary file, flushed, renamed), so readers never see
 * a half-written model.
 */
export async function writeOnnxFile(path: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(path, bytes);
}

/** Exports `spec` + canonical `weights` (e.g. read from a checkpoint) to an `.onnx` file. */
export async function exportOnnxFile(
  path: string,
  spec: ModelSpec,
  weights: Weights,
  options: ExportOnnxOptions = {},
): Promise<void> {
  await writeOnnxFile(path, exportOnnx(spec, weights, options));
}

/** Exports a live model of any backend to an `.onnx` file. */
export async function exportModelFile(path: string, model: Model, options: ExportOnnxOptions = {}): Promise<void> {
  await writeOnnxFile(path, await exportModel(model, options));
}

/**
 * Exports a checkpoint folder (core's `saveCheckpoint` layout) to an `.onnx` file, carrying its
 * codec description along; `options.codec` overrides it. Returns the bytes written.
 */
export async function exportCheckpointFile(
  checkpointDir: string,
  path: string,
  options: ExportOnnxOptions = {},
): Promise<Uint8Array> {
  const checkpoint = await loadCheckpoint(checkpointDir);
  const saved = checkpoint.codec;
  if (options.codec === undefined && saved !== undefined && saved !== null && !isJsonObject(saved)) {
    throw new OnnxFileError(`the codec in checkpoint ${checkpointDir} is not a JSON object; pass options.codec`);
  }
  const codec = options.codec !== undefined ? options.codec : isJsonObject(saved) ? saved : null;
  const bytes = exportOnnx(checkpoint.spec, checkpoint.weights, { ...options, codec });
  await writeOnnxFile(path, bytes);
  return bytes;
}

/** Reads an `.onnx` file, refusing what cannot be a model before reading it all. */
export async function readOnnxFile(path: string): Promise<Uint8Array> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new OnnxFileError(`${path} is not a file`);
    size = info.size;
  } catch (error) {
    if (error instanceof OnnxFileError) throw error;
    throw new OnnxFileError(`cannot read ONNX model ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (size > MAX_ONNX_BYTES) throw new OnnxFileError(`${path} is ${size} bytes; ONNX models are limited to 2 GiB`);
  const handle = await open(path, "r");
  try {
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}

/**
 * Loads an exported rnnlm model from bytes or a file path onto `runtime` (any backend):
 * returns the model with its spec, codec description and metadata.
 */
export async function loadOnnxModel(
  source: Uint8Array | ArrayBuffer | string,
  runtime: BackendRuntime,
): Promise<LoadedOnnxModel> {
  const bytes = typeof source === "string" ? await readOnnxFile(source) : source;
  try {
    return await loadOnnxModelBytes(bytes, runtime);
  } catch (error) {
    if (typeof source === "string" && error instanceof OnnxFileError) {
      throw new OnnxFileError(`${source}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
