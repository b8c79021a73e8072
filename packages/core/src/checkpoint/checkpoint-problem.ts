import { CheckpointError } from "../errors.js";

/**
 * The one error a checkpoint reader or writer throws: where (`dir`, and the file inside
 * `problem`), what is wrong, and what to do about it.
 */
export function checkpointProblem(dir: string, problem: string, fix: string, cause?: unknown): CheckpointError {
  return new CheckpointError(
    `checkpoint "${dir}": ${problem}. Fix: ${fix}`,
    cause === undefined ? undefined : { cause },
  );
}

/** The message of anything thrown, for embedding in another message. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Node's error code (`ENOENT`, `EISDIR`, …) of a file-system error, if it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}
