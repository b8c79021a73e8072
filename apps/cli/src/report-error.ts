import type { CliContext } from "./cli-output.js";
import { UsageError } from "./usage-error.js";

/** Error codes of `@rnnlm/core` (RnnlmError) and `@rnnlm/data` (DataError) that mean bad input. */
const BAD_INPUT_CODES = new Set([
  "ERR_SPEC",
  "ERR_CHECKPOINT",
  "ERR_BACKEND_UNAVAILABLE",
  "ERR_FILE_NOT_FOUND",
  "ERR_EMPTY_CORPUS",
  "ERR_CORPUS_TOO_SHORT",
  "ERR_INVALID_OPTION",
  "ERR_VOCAB_JSON",
  "ERR_CODEC_JSON",
  "ERR_UNKNOWN_ID",
  "ERR_EXPORT",
]);

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

function oneLine(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join("; ");
}

/** File-system errors that come from the user's paths: what each means, and the fix. */
const FILE_ERRORS: Record<string, { readonly what: string; readonly fix: string; readonly badInput: boolean }> = {
  EACCES: { what: "permission denied", fix: "check the permissions of the path, or choose another", badInput: true },
  EPERM: {
    what: "operation not permitted",
    fix: "check the permissions of the path, or choose another",
    badInput: true,
  },
  EISDIR: { what: "is a folder, not a file", fix: "name a file", badInput: true },
  ENOTDIR: { what: "a part of the path is a file, not a folder", fix: "check the path", badInput: true },
  EROFS: { what: "the file system is read-only", fix: "choose a writable location", badInput: true },
  ENOENT: { what: "no such file or folder", fix: "check the path", badInput: true },
  ENOSPC: { what: "no space left on the device", fix: "free some space and run again", badInput: false },
  EDQUOT: { what: "disk quota exceeded", fix: "free some space and run again", badInput: false },
};

function fileError(error: unknown): { message: string; badInput: boolean } | null {
  const code = codeOf(error);
  const known = code === undefined ? undefined : FILE_ERRORS[code];
  if (known === undefined || !(error instanceof Error) || !("syscall" in error)) return null;
  const path = "path" in error && typeof error.path === "string" ? ` ${error.path}` : "";
  return {
    message: `cannot ${String(error.syscall)}${path}: ${known.what} (${code}); ${known.fix}`,
    badInput: known.badInput,
  };
}

/**
 * Prints an error as `rnnlm: error: <what>; <fix>` on one line and returns the exit code:
 * 2 for bad input (usage errors and the packages' input errors), 1 for anything else (with
 * the stack when `RNNLM_DEBUG=1`).
 */
export function reportError(error: unknown, ctx: CliContext): number {
  const debug = ctx.env.RNNLM_DEBUG === "1";
  const asFileError = fileError(error);
  const message = asFileError?.message ?? (error instanceof Error ? error.message : String(error));
  const badInput = asFileError?.badInput ?? (error instanceof UsageError || BAD_INPUT_CODES.has(codeOf(error) ?? ""));
  ctx.stderr.write(`rnnlm: error: ${oneLine(message)}\n`);
  if (debug && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
  return badInput ? 2 : 1;
}
