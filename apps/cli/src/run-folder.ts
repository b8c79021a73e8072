import { stat } from "node:fs/promises";
import { join } from "node:path";
import { MANIFEST_FILE } from "@rnnlm/core/node";
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
}

export function runFolder(dir: string): RunFolder {
  return { dir, last: join(dir, "last"), best: join(dir, "best"), plot: join(dir, "perplexity.svg") };
}

/** Whether `dir` is one checkpoint (holds a manifest). */
export async function isCheckpointFolder(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, MANIFEST_FILE))).isFile();
  } catch {
    return false;
  }
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
 * checkpoint, else its `best/` or `last/` (in the order of `prefer`).
 */
export async function findCheckpoint(
  path: string,
  flag: string,
  prefer: readonly ("best" | "last")[],
): Promise<string> {
  if (!(await exists(path))) {
    throw new UsageError(`${flag} ${path} does not exist`, 'pass a run folder written by "rnnlm train --save DIR"');
  }
  if (await isCheckpointFolder(path)) return path;
  const run = runFolder(path);
  for (const which of prefer) if (await isCheckpointFolder(run[which])) return run[which];
  throw new UsageError(
    `${flag} ${path} holds no checkpoint (no ${MANIFEST_FILE}, ${prefer.map((p) => `${p}/`).join(" or ")})`,
    'pass a run folder written by "rnnlm train --save DIR", or its last/ or best/ folder',
  );
}
