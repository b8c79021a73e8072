import { inputSize, type ModelSpec } from "@rnnlm/core";
import { hasCellState } from "@rnnlm/core/backend";
import { PACKED_DECODER, packsDecoder } from "./decoder-packing.js";
import { elmanLayerGraph } from "./elman-layer-graph.js";
import { fusedLayerGraph } from "./fused-layer-graph.js";
import { FLOAT, type GraphBuilder, INT32, intAttr } from "./graph-builder.js";
import { gruLayerGraph } from "./gru-layer-graph.js";
import { lstmLayerGraph } from "./lstm-layer-graph.js";
import type { LayerGraph, LayerGraphInput } from "./recurrent-layer-graph.js";
import { maskBetween, TRAIN_IO } from "./train-io.js";

/** Which dropout masks a `train` graph takes as inputs (a place with p = 0 has none). */
export interface MaskInputs {
  readonly input: boolean;
  readonly between: readonly boolean[];
  readonly output: boolean;
}

/** The graph inputs a forward pass reads: ids, the initial state and the dropout masks. */
export interface ForwardInputs {
  readonly ids: string;
  /** (layers, batch, hidden). */
  readonly h0: string;
  readonly c0: string | null;
  readonly masks: MaskInputs;
  /** (steps·batch, input size) on the first layer's input, or null. */
  readonly maskIn: string | null;
  /** Between layer k and k + 1, (steps·batch, hidden), or null. */
  readonly maskMid: readonly (string | null)[];
  /** Before the decoder, (steps·batch, hidden), or null. */
  readonly maskOut: string | null;
}

/** One recurrent layer of the forward pass, with what backward needs of it. */
export interface ForwardLayer {
  readonly layer: LayerGraph;
  /** The layer's input after dropout (steps·batch, width), or null for a gathered one-hot input. */
  readonly x: string | null;
}

/** Everything the loss and the backward pass need from a forward pass (`ForwardTrace` in the reference). */
export interface ForwardGraph {
  readonly layers: readonly ForwardLayer[];
  /**
   * Decoder input: the last layer's outputs after output dropout, (steps·batch, hidden), with a
   * column of ones appended where the decoder is packed.
   */
  readonly top: string;
  /** The decoder weight: `encoder.weight` when tied, else `decoder.packed` ((hidden + 1, V): weightᵀ and bias). */
  readonly wdec: string;
  /** Whether the decoder is `decoder.packed` (see `decoder-packing.ts`). */
  readonly packed: boolean;
  /** (steps·batch, V), time-major rows. */
  readonly logits: string;
}

/** Widest one-hot input a forward-only graph materialises for the fused recurrent op. */
const FUSED_ONE_HOT_MAX = 1024;

/** The window every forward graph is built for. */
export interface GraphWindow {
  readonly steps: number;
  readonly batch: number;
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

/** Declares ids, `h0` (`c0`) and the dropout masks at probabilities `p` as graph inputs. */
export function forwardInputs(
  g: GraphBuilder,
  spec: ModelSpec,
  { steps, batch }: GraphWindow,
  p: ModelSpec["dropout"],
): ForwardInputs {
  const N = steps * batch;
  const H = spec.hiddenSize;
  const L = spec.numLayers;
  const ids = g.input(TRAIN_IO.ids, INT32, [N]);
  const h0 = g.input(TRAIN_IO.h0, FLOAT, [L, batch, H]);
  const c0 = hasCellState(spec.cell) ? g.input(TRAIN_IO.c0, FLOAT, [L, batch, H]) : null;
  const masks: MaskInputs = {
    input: p.input > 0,
    between: Array.from({ length: L - 1 }, () => p.between > 0),
    output: p.output > 0,
  };
  const maskIn = masks.input ? g.input(TRAIN_IO.maskInput, FLOAT, [N, inputSize(spec)]) : null;
  const maskMid = masks.between.map((on, k) => (on ? g.input(maskBetween(k), FLOAT, [N, H]) : null));
  const maskOut = masks.output ? g.input(TRAIN_IO.maskOutput, FLOAT, [N, H]) : null;
  return { ids, h0, c0, masks, maskIn, maskMid, maskOut };
}

/**
 * The forward pass (`forwardPass` in the reference): the first layer's input (embedding rows,
 * a masked one-hot matrix, or nothing: the one-hot product W_ih·x is then a gather of W_ihᵀ's
 * rows), each layer's recurrence with dropout between layers, the final state as outputs
 * `hn` (`cn`), and the decoder's logits. Without `training` (no backward pass) each layer is one
 * fused ONNX RNN/GRU/LSTM node (`fusedLayerGraph`) and `layers` is empty.
 */
export function forwardGraph(
  g: GraphBuilder,
  spec: ModelSpec,
  { steps, batch }: GraphWindow,
  inputs: ForwardInputs,
  training: boolean,
): ForwardGraph {
  const T = steps;
  const B = batch;
  const H = spec.hiddenSize;
  const V = spec.vocabSize;
  const L = spec.numLayers;
  const { ids, maskIn, maskMid, maskOut } = inputs;
  const oneHot = () =>
    g.op1("OneHot", [ids, g.int32s([V]), g.floats([2], [0, 1], "onehot_values")], "onehot", [intAttr("axis", -1)]);
  let x: string | null = null;
  if (spec.embeddingSize !== null) {
    x = g.gather("encoder.weight", ids);
    if (maskIn !== null) x = g.mul(x, maskIn);
  } else if (maskIn !== null) {
    const hot = oneHot();
    x = g.mul(hot, maskIn);
  }

  // W_ih·onehot(id) + b is row `id` of W_ihᵀ + b: the bias goes onto whichever is smaller, the
  // (V, gates·H) table or the (steps·batch, gates·H) rows gathered from it (the same sums either way).
  const oneHotProjection = (wih: string, bias: string): string =>
    V <= T * B ? g.gather(g.add(g.transpose(wih), bias), ids) : g.add(g.gather(g.transpose(wih), ids), bias);
  const split = (state: string): string[] =>
    L === 1 ? [g.reshape(state, [B, H])] : g.split(state, 0, L).map((s) => g.reshape(s, [B, H]));
  const h0s = split(inputs.h0);
  const c0s = inputs.c0 === null ? null : split(inputs.c0);
  const fused = !training && (x !== null || V <= FUSED_ONE_HOT_MAX);
  if (fused) {
    const hs: string[] = [];
    const cs: string[] = [];
    let width = x === null ? V : inputSize(spec);
    x ??= oneHot();
    for (let k = 0; k < L; k++) {
      const c0 = c0s === null ? null : c0s[k];
      const layer = fusedLayerGraph({
        g,
        cell: spec.cell,
        k,
        steps: T,
        batch: B,
        hidden: H,
        x,
        inputWidth: width,
        h0: h0s[k],
        c0,
      });
      hs.push(layer.hT);
      if (layer.cT !== null) cs.push(layer.cT);
      x = layer.yAll;
      width = H;
    }
    return finish(x, hs, cs, []);
  }
  const layers: ForwardLayer[] = [];
  for (let k = 0; k < L; k++) {
    const wih = `rnn.weight_ih_l${k}`;
    const bih = `rnn.bias_ih_l${k}`;
    const bhh = `rnn.bias_hh_l${k}`;
    const bias = spec.cell === "gru" ? bih : g.add(bih, bhh);
    const giAll = x === null ? oneHotProjection(wih, bias) : g.gemm(x, wih, bias, true);
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
      training,
    });
    layers.push({ layer, x });
    const mask = k < L - 1 ? maskMid[k] : maskOut;
    x = mask === null ? layer.yAll : g.mul(layer.yAll, mask);
  }
  return finish(
    x as string,
    layers.map((l) => l.layer.hT),
    layers.map((l) => l.layer.cT as string),
    layers,
  );

  function finish(top: string, hs: string[], cs: string[], layers: ForwardLayer[]): ForwardGraph {
    const stateOut = (parts: string[]) => g.reshape(g.concat(parts, 0), [L, B, H]);
    g.output(TRAIN_IO.hn, stateOut(hs), FLOAT, [L, B, H]);
    if (inputs.c0 !== null) g.output(TRAIN_IO.cn, stateOut(cs), FLOAT, [L, B, H]);
    if (packsDecoder(spec)) {
      const N = T * B;
      const topOnes = g.concat([top, g.floats([N, 1], new Float32Array(N).fill(1), "ones")], 1);
      return { layers, top: topOnes, wdec: PACKED_DECODER, packed: true, logits: g.matmul(topOnes, PACKED_DECODER) };
    }
    const logits = g.gemm(top, "encoder.weight", "decoder.bias", true);
    return { layers, top, wdec: "encoder.weight", packed: false, logits };
  }
}
