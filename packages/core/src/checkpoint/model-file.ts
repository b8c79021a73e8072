import { CheckpointError, ShapeError } from "../errors.js";
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from "../safetensors.js";
import type { ModelSpec } from "../spec.js";
import { canonicalWeightShapes, validateWeights, type Weights, withTiedDecoder } from "../weights.js";
import { MODEL_FILE } from "./checkpoint-layout.js";
import { checkpointProblem } from "./checkpoint-problem.js";

/**
 * `model.safetensors`: every canonical weight in PyTorch `state_dict` order (both
 * `encoder.weight` and `decoder.weight` when tied), metadata `{"format": "pt"}` — what
 * `safetensors.torch.load_file` + `RNNModel.load_state_dict(strict=True)` expect. Weights keep
 * their dtype: float32 from the fp32 backends, float64 from the reference backend, so every
 * checkpoint reads back bit-identically and resumes exactly (`load_state_dict` copies float64
 * into a float32 model).
 */
export function encodeModelFile(dir: string, spec: ModelSpec, weights: Weights): Uint8Array {
  try {
    validateWeights(spec, weights);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw checkpointProblem(
      dir,
      `cannot save: the weights do not match the model spec (${error.message})`,
      "pass the weights of the model built from this spec (model.getWeights())",
      error,
    );
  }
  const all = withTiedDecoder(spec, weights);
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, shape] of canonicalWeightShapes(spec)) {
    const { data } = all[name];
    tensors[name] = { shape, data };
  }
  return encodeSafetensors(tensors, { format: "pt" });
}

const RESAVE = "restore model.safetensors from a backup, or save the checkpoint again from the trained model";

/**
 * Reads `model.safetensors` (already checked against its recorded digest) into canonical
 * weights for `spec`, refusing extra, missing, non-float or misshapen tensors.
 */
export function decodeModelFile(dir: string, spec: ModelSpec, bytes: Uint8Array): Weights {
  let tensors: Record<string, SafetensorsTensor>;
  try {
    tensors = decodeSafetensors(bytes, MODEL_FILE).tensors;
  } catch (error) {
    if (!(error instanceof CheckpointError)) throw error;
    throw checkpointProblem(dir, error.message, RESAVE, error);
  }
  const expected = canonicalWeightShapes(spec);
  const names = new Set(expected.map(([name]) => name));
  const present = Object.keys(tensors);
  const extra = present.filter((name) => !names.has(name));
  const missing = [...names].filter((name) => !Object.hasOwn(tensors, name));
  if (extra.length > 0 || missing.length > 0) {
    const parts = [
      missing.length > 0 ? `missing ${missing.join(", ")}` : "",
      extra.length > 0 ? `unexpected ${extra.join(", ")}` : "",
    ].filter((p) => p !== "");
    throw checkpointProblem(
      dir,
      `${MODEL_FILE} does not hold the weights of the model in config.json (${parts.join("; ")})`,
      "keep model.safetensors and config.json from the same save; a tied model needs both encoder.weight and decoder.weight",
    );
  }
  const weights: Weights = {};
  for (const [name] of expected) {
    const { shape, data } = tensors[name];
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw checkpointProblem(
        dir,
        `${MODEL_FILE}: tensor "${name}" is not float32 or float64`,
        "store the weights as float32 (in PyTorch: model.float() before saving)",
      );
    }
    weights[name] = { shape, data };
  }
  try {
    validateWeights(spec, weights);
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw checkpointProblem(
      dir,
      `${MODEL_FILE} does not match the model spec in config.json (${error.message})`,
      "keep model.safetensors and config.json from the same save",
      error,
    );
  }
  // A diverged run's NaN or infinite weights would load and then print "ppl NaN" or
  // export a useless model: refuse them here, naming the tensor.
  for (const [name, { data }] of Object.entries(weights)) {
    const bad = data.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) {
      throw checkpointProblem(
        dir,
        `${MODEL_FILE}: tensor "${name}" holds ${data[bad]} at index ${bad} (the weights are not all finite; the run diverged or the file was damaged)`,
        "use an earlier checkpoint (e.g. best/), or retrain with a lower learning rate or gradient clipping",
      );
    }
  }
  return weights;
}
