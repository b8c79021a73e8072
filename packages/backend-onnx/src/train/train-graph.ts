import { gateCount, inputSize, type ModelSpec, type TrainingOptions } from "@rnnlm/core";
import { canonicalWeightShapes, hasCellState, parameterNames } from "@rnnlm/core/backend";
import { elmanLayerGraph } from "./elman-layer-graph.js";
import { FLOAT, GraphBuilder, INT32, INT64, intAttr, stringAttr } from "./graph-builder.js";
import { gruLayerGraph } from "./gru-layer-graph.js";
import { lstmLayerGraph } from "./lstm-layer-graph.js";
import { addOptimizerUpdate } from "./optimizer-graph.js";
import type { LayerGraph, LayerGraphInput } from "./recurrent-layer-graph.js";
import { gradName, maskBetween, TRAIN_IO } from "./train-io.js";

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

/** The symbolic dimension of `rows.select`/`rows.index`: how many distinct ids a window holds. */
const UNIQUE_IDS = "unique_ids";

/** Which dropout masks a `train` graph takes as inputs (a place with p = 0 has none). */
export interface MaskInputs {
  readonly input: boolean;
  readonly between: readonly boolean[];
  readonly output: boolean;
}

export interface TrainGraph {
  readonly bytes: Uint8Array;
  readonly nodeCount: number;
  readonly masks: MaskInputs;
  /** Whether the graph takes `rows.select`/`rows.index` (gradients by id). */
  readonly rowSelection: boolean;
}

interface BuiltLayer {
  readonly layer: LayerGraph;
  /** The layer's input after dropout (steps·batch, width), or null for a gathered one-hot input. */
  readonly x: string | null;
  readonly yAll: string;
  readonly h0: string;
}

function layerGraph(spec: ModelSpec, input: LayerGraphInput): LayerGraph {
  switch (spec.cell) {
    case "lstm":
      return lstmLayerGraph(input);
    case "gru":
      return gruLayerGraph(input);
    case "rnn_tanh":
      return elmanLayerGraph(input, "tanh");
    case "rnn_relu":
      return elmanLayerGraph(input, "relu");
  }
}

/**
 * Builds the ONNX graph of one training-step function for `spec` on windows of `steps` × `batch`,
 * unrolled over the window (every shape concrete). The recurrence is written in plain ops
 * (Gemm, Sigmoid, Tanh, Mul, …) so backward can reuse each step's gates; everything that is not
 * sequential (input projections, activation derivatives, weight gradients as one product over all
 * steps, the decoder) runs as one large op over all steps × batch rows.
 */
export function buildTrainGraph(
  spec: ModelSpec,
  training: TrainingOptions,
  steps: number,
  batch: number,
  mode: TrainGraphMode,
): TrainGraph {
  const g = new GraphBuilder();
  const T = steps;
  const B = batch;
  const N = T * B;
  const H = spec.hiddenSize;
  const V = spec.vocabSize;
  const L = spec.numLayers;
  const GH = gateCount(spec.cell) * H;
  const lstm = hasCellState(spec.cell);
  const embedding = spec.embeddingSize !== null;
  const shapes = new Map<string, readonly number[]>(canonicalWeightShapes(spec));
  const names = parameterNames(spec);
  for (const name of names) g.input(name, FLOAT, shapes.get(name) ?? []);

  const ids = g.input(TRAIN_IO.ids, INT32, [N]);
  const h0 = g.input(TRAIN_IO.h0, FLOAT, [L, B, H]);
  const c0 = lstm ? g.input(TRAIN_IO.c0, FLOAT, [L, B, H]) : null;
  const p = mode === "train" ? spec.dropout : { input: 0, between: 0, output: 0 };
  const masks: MaskInputs = {
    input: p.input > 0,
    between: Array.from({ length: L - 1 }, () => p.between > 0),
    output: p.output > 0,
  };
  const maskIn = masks.input ? g.input(TRAIN_IO.maskInput, FLOAT, [N, inputSize(spec)]) : null;
  const maskMid = masks.between.map((on, k) => (on ? g.input(maskBetween(k), FLOAT, [N, H]) : null));
  const maskOut = masks.output ? g.input(TRAIN_IO.maskOutput, FLOAT, [N, H]) : null;
  const zeros = (shape: readonly number[]): string => g.op1("ConstantOfShape", [g.ints(shape)], "zeros");
  // Gradients by id (one-hot W_ih, the embedding) sum the rows of the positions holding each id.
  // A ScatterND with reduction "add" does that, but races on ORT's CPU kernels when ids repeat and
  // several threads run (wrong, non-repeatable updates); instead the host passes each distinct id
  // and a 0/1 selection of its positions, the sums are one MatMul, and the scatter writes each row
  // once (see `rowSelection`).
  let selection: { select: string; index: string } | null = null;
  const rowsById = (dRows: string, width: number, base: string | null): string => {
    selection ??= {
      select: g.input(TRAIN_IO.rowSelect, FLOAT, [UNIQUE_IDS, N]),
      index: g.input(TRAIN_IO.rowIndex, INT64, [UNIQUE_IDS, 1]),
    };
    const sums = g.matmul(selection.select, dRows);
    const into = base ?? zeros([V, width]);
    // Every index occurs once, so "add" onto a base is as deterministic as a plain write.
    const reduction = base === null ? [] : [stringAttr("reduction", "add")];
    return g.op1("ScatterND", [into, selection.index, sums], "rows_by_id", reduction);
  };

  // First layer's input: embedding rows, a one-hot matrix when it is masked, or null (the
  // one-hot product W_ih·x is then a gather of W_ihᵀ's rows).
  let x: string | null = null;
  if (embedding) {
    x = g.gather("encoder.weight", ids);
    if (maskIn !== null) x = g.mul(x, maskIn);
  } else if (maskIn !== null) {
    const hot = g.op1("OneHot", [ids, g.int32s([V]), g.floats([2], [0, 1], "onehot_values")], "onehot", [
      intAttr("axis", -1),
    ]);
    x = g.mul(hot, maskIn);
  }

  const split = (state: string): string[] =>
    L === 1 ? [g.reshape(state, [B, H])] : g.split(state, 0, L).map((s) => g.reshape(s, [B, H]));
  const h0s = split(h0);
  const c0s = c0 === null ? null : split(c0);
  const layers: BuiltLayer[] = [];
  for (let k = 0; k < L; k++) {
    const wih = `rnn.weight_ih_l${k}`;
    const bih = `rnn.bias_ih_l${k}`;
    const bhh = `rnn.bias_hh_l${k}`;
    const bias = spec.cell === "gru" ? bih : g.add(bih, bhh);
    const giAll = x === null ? g.add(g.gather(g.transpose(wih), ids), bias) : g.gemm(x, wih, bias, true);
    const layer = layerGraph(spec, {
      g,
      steps: T,
      batch: B,
      hidden: H,
      giAll,
      whh: `rnn.weight_hh_l${k}`,
      bhh,
      h0: h0s[k],
      c0: c0s === null ? null : c0s[k],
      training: mode === "gradients" || mode === "train",
    });
    const yAll = g.concat(layer.ys, 0);
    layers.push({ layer, x, yAll, h0: h0s[k] });
    const mask = k < L - 1 ? maskMid[k] : maskOut;
    x = mask === null ? yAll : g.mul(yAll, mask);
  }
  const top = x as string;
  const stateOut = (parts: string[]) => g.reshape(g.concat(parts, 0), [L, B, H]);
  g.output(TRAIN_IO.hn, stateOut(layers.map((l) => l.layer.hT)), FLOAT, [L, B, H]);
  if (lstm) g.output(TRAIN_IO.cn, stateOut(layers.map((l) => l.layer.cT as string)), FLOAT, [L, B, H]);

  const wdec = spec.tied ? "encoder.weight" : "decoder.weight";
  const logits = g.gemm(top, wdec, "decoder.bias", true);
  if (mode === "forward") {
    g.output(TRAIN_IO.logits, logits, FLOAT, [N, V]);
    return { bytes: g.encode(`rnnlm_${spec.cell}_forward`), nodeCount: g.nodeCount, masks, rowSelection: false };
  }

  // Mean cross-entropy: −mean_r log softmax(z_r)[y_r].
  const targets = g.input(TRAIN_IO.targets, INT32, [N, 1]);
  const logp = g.op1("LogSoftmax", [logits], "logp", [intAttr("axis", 1)]);
  const picked = g.op1("GatherElements", [logp, targets], "picked", [intAttr("axis", 1)]);
  const loss = g.op1("Neg", [g.op1("ReduceMean", [picked], "mean", [intAttr("keepdims", 0)])], "loss");
  g.output(TRAIN_IO.loss, loss, FLOAT, []);
  if (mode === "evaluate") {
    return { bytes: g.encode(`rnnlm_${spec.cell}_evaluate`), nodeCount: g.nodeCount, masks, rowSelection: false };
  }

  // d loss / d logits = (softmax − onehot(y)) / N. The (N, V) part is kept unscaled — softmax
  // (as exp(log softmax): on a 400 × 10,000 input alone ORT's Softmax took ~70 ms, LogSoftmax
  // ~4 ms, Exp ~3 ms) with −1 scattered onto the target columns — and 1/N applied to the small
  // tensors instead: the decoder input (for the weight gradient), the bias gradient and the
  // gradient sent down.
  const dLogitsN = g.op1(
    "ScatterElements",
    [g.op1("Exp", [logp], "softmax"), targets, g.floats([N, 1], new Float32Array(N).fill(-1))],
    "dlogits_n",
    [intAttr("axis", 1), stringAttr("reduction", "add")],
  );
  const grads: Record<string, string> = {};
  grads["decoder.bias"] = g.scale(g.sumRows(dLogitsN), 1 / N);
  const dWdec = g.gemmTransA(dLogitsN, g.scale(top, 1 / N));
  let dY = g.scale(g.matmul(dLogitsN, wdec), 1 / N);
  if (maskOut !== null) dY = g.mul(dY, maskOut);

  for (let k = L - 1; k >= 0; k--) {
    const { layer, x: xk, yAll, h0: h0k } = layers[k];
    const wih = `rnn.weight_ih_l${k}`;
    const whh = `rnn.weight_hh_l${k}`;
    const hPrevAll = g.concat([h0k, ...layer.ys.slice(0, T - 1)], 0);
    const { dGi, dGh } = layer.backward({ dOut: g.split(dY, 0, T), hPrevAll, yAll });
    // Weight gradients as one product over all steps: Gemm(transA) measured as fast as or faster
    // than Transpose + MatMul for every shape here ([1120, 1024]ᵀ·[1120, 256]: 4.5–5.0 vs 5.5–7.5 ms).
    grads[whh] = g.gemmTransA(dGh, hPrevAll);
    grads[`rnn.bias_hh_l${k}`] = g.sumRows(dGh);
    grads[`rnn.bias_ih_l${k}`] = dGi === dGh ? grads[`rnn.bias_hh_l${k}`] : g.sumRows(dGi);
    if (xk === null) {
      // One-hot input: W_ih's gradient is dGi's rows summed into the columns of their ids.
      grads[wih] = g.transpose(rowsById(dGi, GH, null));
    } else {
      grads[wih] = g.gemmTransA(dGi, xk);
    }
    if (k > 0 || embedding) {
      const mask = k > 0 ? maskMid[k - 1] : maskIn;
      const dX = g.matmul(dGi, wih);
      dY = mask === null ? dX : g.mul(dX, mask);
    }
  }
  if (embedding) {
    grads["encoder.weight"] = rowsById(dY, spec.embeddingSize ?? 0, spec.tied ? dWdec : null);
  }
  if (!spec.tied) grads["decoder.weight"] = dWdec;

  if (mode === "gradients") {
    for (const name of names) g.output(gradName(name), grads[name], FLOAT, shapes.get(name) ?? []);
  } else {
    addOptimizerUpdate(g, spec, training, grads, shapes);
  }
  const rowSelection = selection !== null;
  return { bytes: g.encode(`rnnlm_${spec.cell}_${mode}`), nodeCount: g.nodeCount, masks, rowSelection };
}
