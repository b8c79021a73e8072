import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { COMMIT_FOLDER, MANIFEST_FILE, recoverCheckpoint, STAGING_PREFIX } from "@rnnlm/core/node";
import { RunLock } from "./run-lock.js";
import { UsageError } from "./usage-error.js";

/**
 * A run folder as `rnnlm train --save DIR` writes it:
 * ```
 * DIR/last/            checkpoint after every epoch (and on Ctrl-C, mid-epoch)
 * DIR/best/            checkpoint with the best validation perplexity so far
 * DIR/perplexity.svg   train and validation perplexity per epoch, refreshed every epoch
 * ```
 */
export interface RunFolder {
  readonly dir: string;
  readonly last: string;
  readonly best: string;
  readonly plot: string;
  /** One JSON line per log interval and per epoch (metrics-log.ts). */
  readonly metrics: string;
}

export function runFolder(dir: string): RunFolder {
  return {
    dir,
    last: join(dir, "last"),
    best: join(dir, "best"),
    plot: join(dir, "perplexity.svg"),
    metrics: join(dir, "metrics.jsonl"),
  };
}

/** A checkpoint folder, or one whose save was committed but not yet moved into place. */
export async function holdsCheckpoint(dir: string): Promise<boolean> {
  for (const manifest of [join(dir, MANIFEST_FILE), join(dir, COMMIT_FOLDER, MANIFEST_FILE)]) {
    try {
      if ((await stat(manifest)).isFile()) return true;
    } catch {
      // try the next
    }
  }
  return false;
}

/** The folder whose lock covers writes into checkpoint `dir`: its run folder for last/ and best/. */
export function lockFolderOf(dir: string): string {
  const name = basename(dir);
  return name === "last" || name === "best" ? dirname(dir) : dir;
}

async function hasLeftovers(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).some((name) => name === COMMIT_FOLDER || name.startsWith(STAGING_PREFIX));
  } catch {
    return false;
  }
}

/**
 * Finishes or rolls back a save that a crash interrupted in checkpoint `dir` (see core's
 * commit protocol), unless a live process holds the run's lock (it is writing; readers see
 * a consistent checkpoint anyway) or the folder is read-only (likewise).
 */
export async function recoverIfIdle(dir: string, command: string): Promise<void> {
  if (!(await hasLeftovers(dir))) return;
  let lock: Awaited<ReturnType<typeof RunLock.tryAcquire>>;
  try {
    lock = await RunLock.tryAcquire(lockFolderOf(dir), command);
  } catch {
    return;
  }
  if (!(lock instanceof RunLock)) return;
  try {
    await recoverCheckpoint(dir).catch(() => null);
  } finally {
    await lock.release();
  }
}

/** Same as {@link recoverIfIdle} for the caller that already holds the run's lock. */
export async function recoverLocked(dir: string): Promise<void> {
  if (await hasLeftovers(dir)) await recoverCheckpoint(dir);
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * The checkpoint folder a `--checkpoint`/`--resume` path means: the path itself when it is a
 * checkpoint, else its `best/` or `last/` (in the order of `prefer`). A save a crash left
 * half-done there is completed or rolled back first.
 */
export async function findCheckpoint(
  path: string,
  flag: string,
  prefer: readonly ("best" | "last")[],
  command = "repair",
): Promise<string> {
  if (!(await exists(path))) {
    throw new UsageError(`${flag} ${path} does not exist`, 'pass a run folder written by "rnnlm train --save DIR"');
  }
  const run = runFolder(path);
  for (const candidate of [path, ...prefer.map((which) => run[which])]) await recoverIfIdle(candidate, command);
  if (await holdsCheckpoint(path)) return path;
  for (const which of prefer) if (await holdsCheckpoint(run[which])) return run[which];
  throw new UsageError(
    `${flag} ${path} holds no checkpoint (no ${MANIFEST_FILE}, ${prefer.map((p) => `${p}/`).join(" or ")})`,
    'pass a run folder written by "rnnlm train --save DIR", or its last/ or best/ folder',
  );
}
