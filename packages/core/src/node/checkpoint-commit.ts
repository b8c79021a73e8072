import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import {
  CHECKPOINT_DATA_FILES,
  COMMIT_FOLDER,
  MANIFEST_FILE,
  MAX_JSON_FILE_BYTES,
  STAGING_PREFIX,
} from "../checkpoint/checkpoint-layout.js";
import { checkpointProblem, errorCode, messageOf } from "../checkpoint/checkpoint-problem.js";
import { encodeCheckpoint } from "../checkpoint/encode-checkpoint.js";
import type { CheckpointData } from "../trainer-state.js";

/**
 * How a checkpoint is written so that an interruption at any point leaves the previous or
 * the new checkpoint loadable, never a mix:
 *
 * 1. finish any earlier save that was committed but not fully moved into place (step 5);
 * 2. write every file into a fresh `.rnnlm-staging-<random>/` folder, each flushed to disk;
 * 3. rename that folder to `.rnnlm-commit/` — the commit point, one atomic rename;
 * 4. move each data file, then `config.json`, from `.rnnlm-commit/` into the folder
 *    (atomic renames over the old files);
 * 5. delete files the new `config.json` does not list and remove `.rnnlm-commit/`.
 *
 * Readers treat `.rnnlm-commit/` holding a `config.json` as the current checkpoint, taking
 * each file from there when present and from the folder otherwise, so during step 4 they see
 * the new checkpoint; before step 3 they see the old one. Staging folders are ignored and
 * removed by the next save. One writer per folder at a time.
 *
 * Written as an async generator that yields after every durable step, so tests can stop it
 * anywhere (as a crash would) and check what a reader sees.
 */
export async function* checkpointWriteSteps(dir: string, data: CheckpointData): AsyncGenerator<string, void, void> {
  const files = await encodeCheckpoint(dir, data);
  await ensureFolder(dir);
  yield* finishPendingCommit(dir);
  await removeStaleStaging(dir);
  const staging = join(dir, `${STAGING_PREFIX}${randomBytes(8).toString("hex")}`);
  await guard(dir, "create a staging folder", () => mkdir(staging));
  yield "staging folder created";
  for (const [name, bytes] of files) {
    await guard(dir, `write ${name}`, () => writeDurably(join(staging, name), bytes));
    yield `staged ${name}`;
  }
  await syncFolder(staging);
  await guard(dir, "commit the new checkpoint", () => rename(staging, join(dir, COMMIT_FOLDER)));
  await syncFolder(dir);
  yield "committed";
  yield* finishPendingCommit(dir);
}

/**
 * Completes what an interrupted save left in `dir`: a committed `.rnnlm-commit/` is moved
 * into place (step 4–5), an uncommitted one (no `config.json`, cannot happen with this
 * writer but may after a copy) and staging folders are removed. Returns what it did, or null
 * when there was nothing to do. Only one writer per folder at a time: call it while holding
 * the folder's lock.
 *
 * @throws CheckpointError when the folder cannot be written.
 */
export async function recoverCheckpoint(dir: string): Promise<"completed" | "cleaned" | null> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return null;
  }
  const pending = entries.includes(COMMIT_FOLDER);
  const staging = entries.some((name) => name.startsWith(STAGING_PREFIX));
  if (!pending && !staging) return null;
  let completed = false;
  for await (const step of finishPendingCommit(dir)) if (step === `moved ${MANIFEST_FILE}`) completed = true;
  await removeStaleStaging(dir);
  return completed ? "completed" : "cleaned";
}

/** Runs an I/O step, turning a file-system failure into a CheckpointError. */
async function guard<T>(dir: string, what: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw checkpointProblem(
      dir,
      `could not ${what} (${messageOf(error)})`,
      "check that the folder is writable and the disk has space, then save again (the previous checkpoint is intact)",
      error,
    );
  }
}

async function ensureFolder(dir: string): Promise<void> {
  let isDirectory: boolean;
  try {
    isDirectory = (await stat(dir)).isDirectory();
  } catch (error) {
    if (errorCode(error) !== "ENOENT")
      throw checkpointProblem(
        dir,
        `cannot access the folder (${messageOf(error)})`,
        "check the path and its permissions",
        error,
      );
    await guard(dir, "create the folder", () => mkdir(dir, { recursive: true }));
    return;
  }
  if (!isDirectory)
    throw checkpointProblem(dir, "the path exists and is not a folder", "choose a folder path for the checkpoint");
}

async function writeDurably(path: string, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, "wx");
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a folder's entries (renames) to disk where the platform allows it. */
async function syncFolder(path: string): Promise<void> {
  try {
    const handle = await open(path, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open or fsync a folder; its renames are durable enough for this purpose.
  }
}

async function removeStaleStaging(dir: string): Promise<void> {
  const entries = await guard(dir, "list the folder", () => readdir(dir));
  for (const name of entries) {
    if (name.startsWith(STAGING_PREFIX)) {
      await guard(dir, `remove the stale ${name}`, () => rm(join(dir, name), { recursive: true, force: true }));
    }
  }
}

/** Steps 4–5 for a committed `.rnnlm-commit/` folder, if there is one. */
async function* finishPendingCommit(dir: string): AsyncGenerator<string, void, void> {
  const commit = join(dir, COMMIT_FOLDER);
  let entries: string[];
  try {
    entries = await readdir(commit);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return;
    throw checkpointProblem(
      dir,
      `cannot read ${COMMIT_FOLDER} (${messageOf(error)})`,
      "check the folder's permissions",
      error,
    );
  }
  if (entries.includes(MANIFEST_FILE)) {
    for (const name of CHECKPOINT_DATA_FILES) {
      if (!entries.includes(name)) continue;
      await guard(dir, `move ${name} into place`, () => rename(join(commit, name), join(dir, name)));
      yield `moved ${name}`;
    }
    await guard(dir, `move ${MANIFEST_FILE} into place`, () =>
      rename(join(commit, MANIFEST_FILE), join(dir, MANIFEST_FILE)),
    );
    await syncFolder(dir);
    yield `moved ${MANIFEST_FILE}`;
  }
  const listed = await listedFiles(dir);
  if (listed !== null) {
    for (const name of CHECKPOINT_DATA_FILES) {
      if (!listed.has(name)) await guard(dir, `remove the stale ${name}`, () => rm(join(dir, name), { force: true }));
    }
  }
  await guard(dir, `remove ${COMMIT_FOLDER}`, () => rm(commit, { recursive: true, force: true }));
  await syncFolder(dir);
  yield "commit finished";
}

/** Names of the data files the folder's `config.json` lists, or null when it cannot tell. */
async function listedFiles(dir: string): Promise<Set<string> | null> {
  try {
    const path = join(dir, MANIFEST_FILE);
    if ((await stat(path)).size > MAX_JSON_FILE_BYTES) return null;
    const manifest: unknown = JSON.parse(await readFile(path, "utf8"));
    const files = (manifest as { files?: unknown }).files;
    if (typeof files !== "object" || files === null) return null;
    return new Set(Object.keys(files));
  } catch {
    return null;
  }
}
