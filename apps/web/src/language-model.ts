import { type LoadedOnnxModel, loadOnnxModel, OnnxFileError } from "@rnnlm/backend-onnx/browser";
import type { BackendRuntime } from "@rnnlm/core";
import { TextCodec } from "@rnnlm/data";

/** An exported model loaded on a runtime, with the vocabulary rebuilt from its metadata. */
export interface LanguageModel {
  /** File name shown to the user. */
  readonly name: string;
  /** The file itself, kept so the model can be reloaded on another device. */
  readonly bytes: Uint8Array;
  readonly loaded: LoadedOnnxModel;
  readonly codec: TextCodec;
  readonly runtime: BackendRuntime;
}

function codecOf(loaded: LoadedOnnxModel): TextCodec {
  if (loaded.codec === null) {
    throw new OnnxFileError(
      "the file has no vocabulary (rnnlm.codec metadata), so text cannot be turned into ids: re-export it with its codec (`rnnlm export` stores it)",
    );
  }
  let codec: TextCodec;
  try {
    codec = TextCodec.fromJSON(loaded.codec);
  } catch (error) {
    throw new OnnxFileError(`the vocabulary in the file's metadata is invalid: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (codec.size !== loaded.spec.vocabSize) {
    throw new OnnxFileError(
      `the file's vocabulary has ${codec.size} tokens but its model expects ${loaded.spec.vocabSize}: re-export the model with the vocabulary it was trained with`,
    );
  }
  return codec;
}

/**
 * Validates and loads an exported rnnlm `.onnx` file onto `runtime`. A corrupt or foreign
 * file ends in an `OnnxFileError` before anything reaches ONNX Runtime.
 */
export async function loadLanguageModel(
  name: string,
  bytes: Uint8Array,
  runtime: BackendRuntime,
): Promise<LanguageModel> {
  const loaded = await loadOnnxModel(bytes, runtime);
  try {
    return { name, bytes, loaded, codec: codecOf(loaded), runtime };
  } catch (error) {
    loaded.model.dispose();
    throw error;
  }
}
