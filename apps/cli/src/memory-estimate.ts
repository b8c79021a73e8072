import { freemem } from "node:os";
import { gateCount, inputSize, type ModelSpec } from "@rnnlm/core";
import { UsageError } from "./usage-error.js";

/** The largest typed array V8 allocates (elements); a larger weight matrix cannot exist. */
const MAX_ARRAY_ELEMENTS = 2 ** 32 - 1;

export interface TrainingShape {
  readonly batchSize: number;
  readonly bptt: number;
  /** 8 for float64 (the reference backend), 4 for float32. */
  readonly bytesPerValue: number;
}

/** Parameters of `spec`, and the element count of its largest single tensor. */
export function parameterCount(spec: ModelSpec): { total: number; largest: number } {
  const gates = gateCount(spec.cell);
  const H = spec.hiddenSize;
  const V = spec.vocabSize;
  let total = 0;
  let largest = 0;
  for (let layer = 0; layer < spec.numLayers; layer++) {
    const input = layer === 0 ? inputSize(spec) : H;
    total += gates * H * (input + H + 2);
    largest = Math.max(largest, gates * H * Math.max(input, H));
  }
  if (spec.embeddingSize !== null) {
    total += V * spec.embeddingSize;
    largest = Math.max(largest, V * spec.embeddingSize);
  }
  if (!spec.tied) total += H * V;
  total += V;
  largest = Math.max(largest, H * V);
  return { total, largest };
}

/**
 * Bytes one training step needs, roughly: weights, gradients and up to two optimizer buffers
 * per parameter; per time step and batch row, the gate activations and states each layer
 * keeps for backpropagation, and the logits with their gradient.
 */
export function trainingBytes(spec: ModelSpec, shape: TrainingShape): number {
  const { total } = parameterCount(spec);
  const rows = shape.bptt * shape.batchSize;
  const activations = rows * spec.numLayers * spec.hiddenSize * (gateCount(spec.cell) + 3) * 2;
  const logits = rows * spec.vocabSize * 3;
  return (total * 4 + activations + logits) * shape.bytesPerValue;
}

const GB = 1024 ** 3;
const gb = (bytes: number): string => `${(bytes / GB).toFixed(bytes < 10 * GB ? 1 : 0)} GB`;

/** Memory rnnlm may plan to use: RNNLM_MAX_MEMORY (bytes, or e.g. "8GB") or the free memory. */
export function memoryBudget(env: Readonly<Record<string, string | undefined>>): number {
  const raw = env.RNNLM_MAX_MEMORY?.trim();
  if (raw) {
    const match = /^(\d+(?:\.\d+)?)\s*(gb|g|mb|m)?$/i.exec(raw);
    if (match === null) {
      throw new UsageError(`RNNLM_MAX_MEMORY=${raw} is not a size`, "write bytes or e.g. RNNLM_MAX_MEMORY=8GB");
    }
    const unit = (match[2] ?? "").toLowerCase();
    return Number(match[1]) * (unit.startsWith("g") ? GB : unit.startsWith("m") ? 1024 ** 2 : 1);
  }
  return freemem();
}

/**
 * Refuses, before anything is allocated, a model that cannot be trained here: a weight
 * matrix larger than JavaScript can hold, or a step that needs more memory than the budget.
 */
export function checkTrainingFits(spec: ModelSpec, shape: TrainingShape, budget: number): void {
  const fix =
    "lower --nhid, --nlayers, --emsize, --bptt or --batch-size (or set RNNLM_MAX_MEMORY if the estimate is wrong)";
  const { total, largest } = parameterCount(spec);
  const shapeText = `${spec.cell} ${spec.numLayers}×${spec.hiddenSize}, vocabulary ${spec.vocabSize}, ${(total / 1e6).toFixed(1)} M parameters`;
  if (largest > MAX_ARRAY_ELEMENTS) {
    throw new UsageError(
      `the model is too large (${shapeText}): one weight matrix would hold ${largest.toExponential(2)} values, more than the ${MAX_ARRAY_ELEMENTS.toExponential(2)} an array can`,
      fix,
    );
  }
  const needed = trainingBytes(spec, shape);
  if (needed > budget) {
    throw new UsageError(
      `training needs about ${gb(needed)} of memory (${shapeText}; activations for bptt ${shape.bptt} × batch ${shape.batchSize}), more than the ${gb(budget)} available`,
      fix,
    );
  }
}
