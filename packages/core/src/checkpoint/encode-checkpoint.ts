import { SpecError } from "../errors.js";
import { type ModelSpec, parseModelSpec } from "../spec.js";
import type { CheckpointData } from "../trainer-state.js";
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  MANIFEST_FILE,
  MODEL_FILE,
  OPTIMIZER_FILE,
  TRAINER_FILE,
} from "./checkpoint-layout.js";
import { type CheckpointManifest, encodeManifest } from "./checkpoint-manifest.js";
import { checkpointProblem } from "./checkpoint-problem.js";
import { digestOf } from "./file-digest.js";
import { encodeModelFile } from "./model-file.js";
import { encodeTrainerFiles } from "./trainer-file.js";

/** One file of a checkpoint folder: its name inside the folder and its bytes. */
export type CheckpointFile = readonly [name: string, bytes: Uint8Array];

/**
 * The bytes of every file of a checkpoint folder, data files first and `config.json` (which
 * records their digests) last: exactly what `saveCheckpoint(dir, data)` writes and
 * `loadCheckpoint` / `rnnlm train --resume` read. Browser-safe (SHA-256 through Web Crypto),
 * deterministic (the same data gives the same bytes), and validates everything first. `dir`
 * is only named in error messages.
 */
export async function encodeCheckpoint(dir: string, data: CheckpointData): Promise<CheckpointFile[]> {
  let spec: ModelSpec;
  try {
    spec = parseModelSpec(data.spec);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    throw checkpointProblem(dir, `cannot save: ${error.message}`, "pass the spec the model was built from", error);
  }
  if (
    data.config !== undefined &&
    (typeof data.config !== "object" || data.config === null || Array.isArray(data.config))
  ) {
    throw checkpointProblem(
      dir,
      "cannot save: config must be a plain object",
      "pass the run configuration as an object",
    );
  }
  const files: CheckpointFile[] = [[MODEL_FILE, encodeModelFile(dir, spec, data.weights)]];
  if (data.trainer !== undefined) {
    const trainer = encodeTrainerFiles(dir, data.trainer);
    files.push([TRAINER_FILE, trainer.json], [OPTIMIZER_FILE, trainer.optimizer]);
  }
  const manifest: CheckpointManifest = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    spec,
    codec: data.codec,
    config: data.config,
    files: Object.fromEntries(
      await Promise.all(files.map(async ([name, bytes]) => [name, await digestOf(bytes)] as const)),
    ) as CheckpointManifest["files"],
  };
  files.push([MANIFEST_FILE, await encodeManifest(dir, manifest)]);
  return files;
}
