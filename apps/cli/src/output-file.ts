import { readdir, stat } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { COMMIT_FOLDER, MANIFEST_FILE, STAGING_PREFIX } from "@rnnlm/core/node";
import { UsageError } from "./usage-error.js";

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/** True when `folder` is a checkpoint folder (or part of one being saved). */
async function isCheckpointFolder(folder: string): Promise<boolean> {
  const name = basename(folder);
  if (name === COMMIT_FOLDER || name.startsWith(STAGING_PREFIX)) return true;
  try {
    return (await readdir(folder)).some((entry) => entry === MANIFEST_FILE || entry === COMMIT_FOLDER);
  } catch {
    return false;
  }
}

/**
 * Checks that `path` (the value of `flag`) may be written by an output command, before any
 * work: its folder exists, it is not inside a checkpoint folder, it is not a folder or a
 * device, and it does not exist yet unless `force`. Throws one UsageError naming the fix.
 * The file itself is then written atomically beside the target (writeFileAtomic).
 */
export async function checkOutputFile(path: string, flag: string, force: boolean): Promise<void> {
  const folder = dirname(resolve(path));
  let folderIsDirectory = false;
  try {
    folderIsDirectory = (await stat(folder)).isDirectory();
  } catch (error) {
    if (codeOf(error) !== "ENOENT") {
      throw new UsageError(`cannot access the folder of ${flag} ${path} (${codeOf(error)})`, "check its permissions");
    }
  }
  if (!folderIsDirectory) {
    throw new UsageError(`the folder ${dirname(path)} of ${flag} ${path} does not exist`, "create it first");
  }
  if (await isCheckpointFolder(folder)) {
    throw new UsageError(
      `${flag} ${path} is inside the checkpoint folder ${dirname(path)}, which only rnnlm train writes`,
      "write the file elsewhere, e.g. in the run folder or next to it",
    );
  }
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    if (codeOf(error) === "ENOENT") return;
    throw new UsageError(`cannot access ${flag} ${path} (${codeOf(error)})`, "check the path and its permissions");
  }
  if (info.isDirectory()) {
    throw new UsageError(
      `${flag} ${path} is a folder`,
      `name a file, e.g. ${flag} ${path.replace(/\/+$/, "")}/model.onnx`,
    );
  }
  if (!info.isFile()) {
    throw new UsageError(`${flag} ${path} is not a regular file (a device, pipe or socket)`, "name a regular file");
  }
  if (!force) {
    throw new UsageError(`${flag} ${path} already exists`, "choose another file name, or pass --force to replace it");
  }
}
