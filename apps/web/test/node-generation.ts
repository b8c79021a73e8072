import { loadOnnxModel, onnxBackend } from "@rnnlm/backend-onnx";
import { registerBackend, resolveBackend, type SamplingOptions, TextGenerator } from "@rnnlm/core";
import { TextCodec } from "@rnnlm/data";

/**
 * What Node produces for an exported model through the public packages (ONNX Runtime for
 * Node, `onnx:cpu`): the same text `rnnlm generate --model-file` prints.
 */
export async function generateInNode(
  bytes: Uint8Array,
  prefix: string,
  length: number,
  sampling: SamplingOptions = { greedy: true },
): Promise<string> {
  registerBackend(onnxBackend);
  const runtime = await resolveBackend("onnx:cpu");
  const { model, codec } = await loadOnnxModel(bytes, runtime);
  if (codec === null) throw new Error("the model file has no codec metadata");
  const generator = new TextGenerator(model, TextCodec.fromJSON(codec));
  try {
    return await generator.generate(prefix, length, sampling);
  } finally {
    generator.dispose();
    model.dispose();
  }
}
