/**
 * Machine-readable reasons a {@link DataError} is thrown. The CLI maps them to exit messages
 * without parsing text.
 */
export type DataErrorCode =
  | "ERR_FILE_NOT_FOUND"
  | "ERR_EMPTY_CORPUS"
  | "ERR_CORPUS_TOO_SHORT"
  | "ERR_INVALID_OPTION"
  | "ERR_VOCAB_JSON"
  | "ERR_CODEC_JSON"
  | "ERR_UNKNOWN_ID";

/**
 * Every error `@rnnlm/data` throws on purpose. Its message names the problem and the fix;
 * `code` says which problem it is. The shape (`name`, `code`, `message`) mirrors core's
 * `RnnlmError`, which data cannot import (data depends on nothing).
 */
export class DataError extends Error {
  readonly code: DataErrorCode;
  constructor(code: DataErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "DataError";
    this.code = code;
  }
}
