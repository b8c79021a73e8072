/**
 * Every error rnnlm throws on purpose is an `RnnlmError`: its message says what is
 * wrong and how to fix it, and `code` lets programs (the CLI) react without parsing text.
 */
export class RnnlmError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "RnnlmError";
    this.code = code;
  }
}

/** A model, optimizer or training configuration failed validation. */
export class SpecError extends RnnlmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_SPEC", message, options);
    this.name = "SpecError";
  }
}

/** A checkpoint folder or weights file is missing, truncated, tampered or mismatched. */
export class CheckpointError extends RnnlmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_CHECKPOINT", message, options);
    this.name = "CheckpointError";
  }
}

/** No backend could be loaded for the requested hints. */
export class BackendUnavailableError extends RnnlmError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("ERR_BACKEND_UNAVAILABLE", message, options);
    this.name = "BackendUnavailableError";
  }
}

/** Training produced a NaN or infinite loss. */
export class NonFiniteLossError extends RnnlmError {
  constructor(message: string) {
    super("ERR_NON_FINITE_LOSS", message);
    this.name = "NonFiniteLossError";
  }
}

/** A tensor or array had the wrong shape or length. */
export class ShapeError extends RnnlmError {
  constructor(message: string) {
    super("ERR_SHAPE", message);
    this.name = "ShapeError";
  }
}

/** A model used after `dispose()`. */
export class ModelDisposedError extends RnnlmError {
  constructor(backendId: string) {
    super("ERR_DISPOSED", `this ${backendId} model was disposed; create a new one`);
    this.name = "ModelDisposedError";
  }
}
