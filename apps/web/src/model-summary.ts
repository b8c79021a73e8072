import { gateCount, inputSize, type ModelSpec } from "@rnnlm/core";
import type { LanguageModel } from "./language-model.js";

/** Number of learned parameters of a spec (a tied decoder counted once). */
export function parameterCount(spec: ModelSpec): number {
  const H = spec.hiddenSize;
  const V = spec.vocabSize;
  const GH = gateCount(spec.cell) * H;
  let total = spec.embeddingSize === null ? 0 : V * spec.embeddingSize;
  for (let k = 0; k < spec.numLayers; k++) {
    const inSize = k === 0 ? inputSize(spec) : H;
    total += GH * inSize + GH * H + 2 * GH;
  }
  if (!spec.tied) total += V * H;
  return total + V;
}

/** Label → value rows describing a loaded model, for the page. */
export function summarizeModel(model: LanguageModel): Array<[string, string]> {
  const { spec, producer, metadata } = model.loaded;
  const rows: Array<[string, string]> = [
    ["file", `${model.name} (${(model.bytes.length / 1024).toFixed(1)} KiB)`],
    ["cell", `${spec.cell}, ${spec.numLayers} layer(s), hidden ${spec.hiddenSize}`],
    ["input", spec.embeddingSize === null ? "one-hot" : `embedding ${spec.embeddingSize}${spec.tied ? ", tied" : ""}`],
    ["vocabulary", `${model.codec.size} ${model.codec.separator === "" ? "characters" : "words"}`],
    ["parameters", parameterCount(spec).toLocaleString("en")],
    ["producer", `${producer.name || "?"} ${producer.version}`.trim()],
  ];
  for (const [key, value] of Object.entries(metadata)) rows.push([key, value]);
  return rows;
}
