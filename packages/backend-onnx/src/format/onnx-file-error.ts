import { CheckpointError } from "@rnnlm/core";

/**
 * An `.onnx` file is truncated, corrupt, not an rnnlm model, or its metadata and weights
 * disagree. It is a {@link CheckpointError} (code `ERR_CHECKPOINT`), so code that handles
 * bad checkpoints handles bad exported models too.
 */
export class OnnxFileError extends CheckpointError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OnnxFileError";
  }
}
