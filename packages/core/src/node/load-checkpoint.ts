import { type FileHandle, open, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  COMMIT_FOLDER,
  MANIFEST_FILE,
  MAX_JSON_FILE_BYTES,
  MODEL_FILE,
  OPTIMIZER_FILE,
  TRAINER_FILE,
} from "../checkpoint/checkpoint-layout.js";
import { decodeManifest } from "../checkpoint/checkpoint-manifest.js";
import { checkpointProblem, errorCode, messageOf } from "../checkpoint/checkpoint-problem.js";
import { digestOf, type FileDigest } from "../checkpoint/file-digest.js";
import { decodeModelFile } from "../checkpoint/model-file.js";
import { decodeTrainerFiles } from "../checkpoint/trainer-file.js";
import { CheckpointError } from "../errors.js";
import type { CheckpointData } from "../trainer-state.js";

/**
 * Reads a checkpoint folder written by {@link saveCheckpoint}. Every file is checked against
 * the size and sha256 that `config.json` records before it is parsed, and every size inside
 * a safetensors file is checked before anything is allocated, so a truncated, tampered or
 * mismatched folder ends in one CheckpointError naming the file and the fix — never in a
 * half-loaded model.
 *
 * Weights come back in the dtype they were saved in (float32, or float64 from the reference
 * backend), in canonical order, with both `encoder.weight` and
 * `decoder.weight` for tied models. A read that overlaps a save into the same folder returns
 * the old or the new checkpoint (it retries when the save replaced files under it).
 *
 * @throws CheckpointError
 */
export async function loadCheckpoint(dir: string): Promise<CheckpointData> {
  await checkFolder(dir);
  for (let attempt = 1; ; attempt++) {
    const sources = await sourceFolders(dir);
    const manifestBytes = await readCheckpointFile(dir, sources, MANIFEST_FILE, null);
    try {
      return await readCheckpoint(dir, sources, manifestBytes);
    } catch (error) {
      // A save into the folder may have replaced files while they were being read: when
      // config.json changed meanwhile, read the new checkpoint instead of failing.
      if (!(error instanceof CheckpointError) || attempt >= READ_ATTEMPTS) throw error;
      if (!(await manifestChanged(dir, manifestBytes))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * attempt));
    }
  }
}

/** How often a read that overlapped a concurrent save is retried. */
const READ_ATTEMPTS = 5;

async function manifestChanged(dir: string, before: Uint8Array): Promise<boolean> {
  try {
    const now = await readCheckpointFile(dir, await sourceFolders(dir), MANIFEST_FILE, null);
    return now.length !== before.length || now.some((b, i) => b !== before[i]);
  } catch {
    return true;
  }
}

async function readCheckpoint(dir: string, sources: string[], manifestBytes: Uint8Array): Promise<CheckpointData> {
  const manifest = await decodeManifest(dir, manifestBytes);
  const modelDigest = manifest.files[MODEL_FILE];
  const weights = decodeModelFile(dir, manifest.spec, await readCheckpointFile(dir, sources, MODEL_FILE, modelDigest));
  const trainerDigest = manifest.files[TRAINER_FILE];
  const optimizerDigest = manifest.files[OPTIMIZER_FILE];
  const trainer =
    trainerDigest !== undefined && optimizerDigest !== undefined
      ? decodeTrainerFiles(dir, {
          json: await readCheckpointFile(dir, sources, TRAINER_FILE, trainerDigest),
          optimizer: await readCheckpointFile(dir, sources, OPTIMIZER_FILE, optimizerDigest),
        })
      : undefined;
  return {
    spec: manifest.spec,
    weights,
    ...(manifest.codec === undefined ? {} : { codec: manifest.codec }),
    ...(manifest.config === undefined ? {} : { config: manifest.config }),
    ...(trainer === undefined ? {} : { trainer }),
  };
}

async function checkFolder(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error) {
    if (errorCode(error) === "ENOENT") {
      throw checkpointProblem(
        dir,
        "the folder does not exist",
        "check the path (a checkpoint is a folder written by saveCheckpoint)",
        error,
      );
    }
    throw checkpointProblem(
      dir,
      `cannot access the folder (${messageOf(error)})`,
      "check the path and its permissions",
      error,
    );
  }
  if (!isDirectory) {
    throw checkpointProblem(
      dir,
      "the path is a file, not a checkpoint folder",
      "pass the folder that holds config.json and model.safetensors",
    );
  }
}

/**
 * Where to look for each file, in order: a committed `.rnnlm-commit/` (a save that was
 * interrupted while moving its files into place) first, then the folder itself.
 */
async function sourceFolders(dir: string): Promise<string[]> {
  const commit = join(dir, COMMIT_FOLDER);
  try {
    if ((await stat(join(commit, MANIFEST_FILE))).isFile()) return [commit, dir];
  } catch {
    // no pending commit
  }
  return [dir];
}

async function openFirst(dir: string, sources: string[], name: string): Promise<FileHandle> {
  for (const folder of sources) {
    try {
      return await open(join(folder, name), "r");
    } catch (error) {
      if (errorCode(error) === "ENOENT") continue;
      throw checkpointProblem(dir, `cannot open ${name} (${messageOf(error)})`, "check the file's permissions", error);
    }
  }
  if (name === MANIFEST_FILE) {
    throw checkpointProblem(
      dir,
      `the folder has no ${MANIFEST_FILE}, so it is not an rnnlm checkpoint (or no save into it has finished)`,
      "pass a folder written by saveCheckpoint",
    );
  }
  throw checkpointProblem(
    dir,
    `${name} is missing (${MANIFEST_FILE} lists it)`,
    `restore ${name} from a backup, or save the checkpoint again`,
  );
}

/**
 * Reads one file whole after checking its size: against `expected` (from config.json) before
 * reading, and its sha256 after. `expected` null = config.json itself (size-limited only).
 */
async function readCheckpointFile(
  dir: string,
  sources: string[],
  name: string,
  expected: FileDigest | null,
): Promise<Uint8Array> {
  const handle = await openFirst(dir, sources, name);
  try {
    let buffer: Buffer;
    try {
      const info = await handle.stat();
      if (!info.isFile())
        throw checkpointProblem(
          dir,
          `${name} is not a regular file`,
          `replace it with the ${name} of a saved checkpoint`,
        );
      if (expected !== null && info.size !== expected.bytes) {
        throw checkpointProblem(
          dir,
          `${name} is ${info.size} bytes but ${MANIFEST_FILE} records ${expected.bytes}: the file was truncated or replaced`,
          `restore ${name} from a backup, or save the checkpoint again (a copy must include every file of the folder)`,
        );
      }
      if (expected === null && info.size > MAX_JSON_FILE_BYTES) {
        throw checkpointProblem(
          dir,
          `${name} is ${info.size} bytes, more than the ${MAX_JSON_FILE_BYTES} allowed`,
          `pass a folder written by saveCheckpoint`,
        );
      }
      buffer = await handle.readFile();
    } catch (error) {
      if (error instanceof CheckpointError) throw error;
      throw checkpointProblem(dir, `cannot read ${name} (${messageOf(error)})`, "check the file and the disk", error);
    }
    // A plain Uint8Array (not a Buffer, whose slice() shares memory) over exactly the file's bytes.
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    if (expected !== null) {
      const { sha256 } = await digestOf(bytes);
      if (sha256 !== expected.sha256) {
        throw checkpointProblem(
          dir,
          `${name} has sha256 ${sha256} but ${MANIFEST_FILE} records ${expected.sha256}: the file was modified or damaged after saving`,
          `restore ${name} from a backup, or save the checkpoint again; do not edit checkpoint files by hand`,
        );
      }
    }
    return bytes;
  } finally {
    await handle.close();
  }
}
