import { BackendUnavailableError, disposeState, parseModelSpec } from "@rnnlm/core";
import type { OnnxRuntime } from "./onnx-runtime.js";

/**
 * Proves a runtime works before handing it out: builds a tiny LSTM, runs one step, and turns
 * any failure into a {@link BackendUnavailableError} carrying `advice`.
 */
export async function probeRuntime(runtime: OnnxRuntime, advice: string): Promise<OnnxRuntime> {
  try {
    const model = await runtime.createModel(parseModelSpec({ cell: "lstm", vocabSize: 3, hiddenSize: 2 }));
    try {
      const state = model.beginState(1);
      const out = await model.forward({ ids: Int32Array.of(1), steps: 1, batch: 1 }, state);
      out.logits.dispose();
      disposeState(out.state);
    } finally {
      model.dispose();
    }
  } catch (error) {
    throw new BackendUnavailableError(`${runtime.id} could not run a model: ${(error as Error).message}. ${advice}`, {
      cause: error,
    });
  }
  return runtime;
}
