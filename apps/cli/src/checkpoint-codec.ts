import type { CheckpointData } from "@rnnlm/core";
import { TextCodec } from "@rnnlm/data";
import { UsageError } from "./usage-error.js";

/**
 * The vocabulary of a checkpoint, checked: well-formed, every token once, `<unk>` present
 * (TextCodec.fromJSON), and as many tokens as the model has outputs. A broken vocabulary
 * would otherwise export or generate silently wrong text.
 */
export function checkpointCodec(checkpoint: Pick<CheckpointData, "codec" | "spec">, source: string): TextCodec {
  let codec: TextCodec;
  try {
    codec = TextCodec.fromJSON(checkpoint.codec);
  } catch (error) {
    throw new UsageError(
      `the vocabulary of ${source} is invalid (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`,
      "restore the checkpoint from a backup, or retrain; do not edit checkpoint files by hand",
    );
  }
  if (codec.size !== checkpoint.spec.vocabSize) {
    throw new UsageError(
      `the vocabulary of ${source} has ${codec.size} tokens but the model has ${checkpoint.spec.vocabSize} outputs`,
      "restore the checkpoint from a backup, or retrain; do not edit checkpoint files by hand",
    );
  }
  return codec;
}
