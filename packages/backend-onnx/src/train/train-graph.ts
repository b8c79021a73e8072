import type { ModelSpec, TrainingOptions } from "@rnnlm/core";
import { backwardGraph } from "./backward-graph.js";
import { crossEntropyGraph } from "./cross-entropy-graph.js";
import { type StoredTensor, trainParameterShapes } from "./decoder-packing.js";
import { forwardGraph, forwardInputs, type MaskInputs } from "./forward-graph.js";
import { type ExternalData, FLOAT, GraphBuilder } from "./graph-builder.js";
import { addOptimizerUpdate, isPlainSgd } from "./optimizer-graph.js";
import { gradName, TRAIN_IO } from "./train-io.js";

export type { MaskInputs } from "./forward-graph.js";

/**
 * What a graph computes:
 * - `forward`: logits and the final state (inference, no dropout);
 * - `evaluate`: mean cross-entropy and the final state (no dropout);
 * - `gradients`: loss, final state and raw gradients `grad.<param>` (no dropout, no clipping);
 * - `train`: one whole optimisation step — forward with dropout masks, backward, global-norm
 *   clipping and the optimizer update — giving loss, `grad_norm`, the state and the updated
 *   parameters and optimizer buffers.
 */
export type TrainGraphMode = "forward" | "evaluate" | "gradients" | "train";

export interface TrainGraph {
  readonly bytes: Uint8Array;
  readonly nodeCount: number;
  readonly masks: MaskInputs;
  /** Whether the graph takes `rows.select`/`rows.index` (gradients by id). */
  readonly rowSelection: boolean;
  /** Whether the step outputs `new_rows.encoder.weight` (the window's rows) for the embedding. */
  readonly embeddingRows: boolean;
  /** The frozen weights' values, for the session's `externalData` option (empty without). */
  readonly externalData: readonly ExternalData[];
}

/**
 * Builds the ONNX graph of one training-step function for `spec` on windows of `steps` × `batch`
 * (every shape concrete): the forward pass (`forward-graph.ts`), the loss
 * (`cross-entropy-graph.ts`), backpropagation (`backward-graph.ts`), then either the raw
 * gradients as outputs or the optimizer update (`optimizer-graph.ts`), as far as `mode` asks.
 * Each recurrence is a `Scan` over one step written in plain ops (Gemm, Sigmoid, Tanh, Mul, …) so
 * backward can reuse each step's gates; everything that is not sequential (input projections,
 * activation derivatives, weight gradients as one product over all steps, the decoder) runs as
 * one large op over all steps × batch rows.
 *
 * With `frozen` (parameters in the graphs' layout, `trainParameterShapes`) the parameters are
 * constants instead of inputs: ONNX Runtime then folds what depends on them alone (gate
 * reorders, transposes) and packs the matrices for its GEMMs once, when the session opens. An
 * evaluation pass of a word-level model ran ~20–30 % faster per window so.
 */
export function buildTrainGraph(
  spec: ModelSpec,
  training: TrainingOptions,
  steps: number,
  batch: number,
  mode: TrainGraphMode,
  frozen?: ReadonlyMap<string, StoredTensor>,
): TrainGraph {
  const g = new GraphBuilder();
  const window = { steps, batch };
  // Parameters in the canonical layout but for an untied decoder, packed with its bias.
  const shapes = trainParameterShapes(spec);
  const names = [...shapes.keys()];
  for (const name of names) {
    const value = frozen?.get(name);
    if (value === undefined) g.input(name, FLOAT, shapes.get(name) ?? []);
    else g.externalFloats(name, shapes.get(name) ?? [], value.data);
  }
  const p = mode === "train" ? spec.dropout : { input: 0, between: 0, output: 0 };
  const inputs = forwardInputs(g, spec, window, p);
  const graph = (rowSelection: boolean, embeddingRows = false): TrainGraph => ({
    bytes: g.encode(`rnnlm_${spec.cell}_${mode}`),
    nodeCount: g.nodeCount,
    masks: inputs.masks,
    rowSelection,
    embeddingRows,
    externalData: g.externalData,
  });

  const forward = forwardGraph(g, spec, window, inputs, mode === "gradients" || mode === "train");
  if (mode === "forward") {
    g.output(TRAIN_IO.logits, forward.logits, FLOAT, [steps * batch, spec.vocabSize]);
    return graph(false);
  }
  const loss = crossEntropyGraph(g, forward.logits, steps * batch, mode !== "evaluate");
  if (mode === "evaluate") return graph(false);

  // Plain SGD leaves the rows of ids not in the window as they are: the step updates (and
  // returns) only the window's rows of an untied embedding (Adam, momentum and weight decay
  // change every row).
  const sparseEmbedding = mode === "train" && isPlainSgd(training.optimizer) && !spec.tied;
  const { grads, rowSelection, embeddingRows } = backwardGraph(g, spec, inputs, forward, loss, sparseEmbedding);
  if (mode === "gradients") {
    for (const name of names) g.output(gradName(name), grads[name], FLOAT, shapes.get(name) ?? []);
  } else {
    addOptimizerUpdate(g, training, grads, shapes, embeddingRows);
  }
  return graph(rowSelection, embeddingRows !== null);
}
