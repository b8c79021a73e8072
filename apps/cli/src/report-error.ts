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

/**
 * Prints an error as `rnnlm: error: <what>; <fix>` on one line and returns the exit code:
 * 2 for bad input (usage errors and the packages' input errors), 1 for anything else (with
 * the stack when `RNNLM_DEBUG=1`).
 */
export function reportError(error: unknown, ctx: CliContext): number {
  const debug = ctx.env.RNNLM_DEBUG === "1";
  const message = error instanceof Error ? error.message : String(error);
  const badInput = error instanceof UsageError || BAD_INPUT_CODES.has(codeOf(error) ?? "");
  ctx.stderr.write(`rnnlm: error: ${oneLine(message)}\n`);
  if (debug && error instanceof Error && error.stack) ctx.stderr.write(`${error.stack}\n`);
  return badInput ? 2 : 1;
}
