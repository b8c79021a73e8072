import { gateCount, type ModelSpec } from "@rnnlm/core";
import type { CrossEntropyGraph } from "./cross-entropy-graph.js";
import { PACKED_DECODER } from "./decoder-packing.js";
import type { ForwardGraph, ForwardInputs } from "./forward-graph.js";
import { FLOAT, type GraphBuilder, INT64, intAttr, stringAttr } from "./graph-builder.js";
import { TRAIN_IO } from "./train-io.js";

/** The symbolic dimension of `rows.select`/`rows.index`: how many distinct ids a window holds. */
export const UNIQUE_IDS = "unique_ids";

/** The embedding's gradient as its nonzero rows: `rows` (unique, E) for the ids in `index` (unique, 1). */
export interface EmbeddingRows {
  readonly index: string;
  readonly rows: string;
}

/** Raw gradients keyed by parameter name, and whether they needed the row-selection inputs. */
export interface BackwardGraph {
  /** Every parameter's dense gradient, but `encoder.weight` where `embeddingRows` holds it. */
  readonly grads: Record<string, string>;
  /** Whether the graph takes `rows.select`/`rows.index` (gradients by id). */
  readonly rowSelection: boolean;
  /** The untied embedding's gradient by rows, where `sparseEmbedding` asked for it. */
  readonly embeddingRows: EmbeddingRows | null;
}

/**
 * Backpropagation through the window (`backwardPass` in the reference): the decoder, then each
 * layer from the top down (its own BPTT in the layer graph, then weight gradients as one
 * product over all steps), then the embedding. The initial state is a constant (detached).
 */
export function backwardGraph(
  g: GraphBuilder,
  spec: ModelSpec,
  inputs: ForwardInputs,
  forward: ForwardGraph,
  loss: CrossEntropyGraph,
  sparseEmbedding = false,
): BackwardGraph {
  const N = loss.rows;
  const V = spec.vocabSize;
  const L = spec.numLayers;
  const GH = gateCount(spec.cell) * spec.hiddenSize;
  const embedding = spec.embeddingSize !== null;
  const { maskIn, maskMid, maskOut } = inputs;
  const { layers, top, wdec, packed } = forward;
  // Gradients by id (one-hot W_ih, the embedding) sum the rows of the positions holding each id.
  // A ScatterND with reduction "add" does that, but races on ORT's CPU kernels when ids repeat and
  // several threads run (wrong, non-repeatable updates); instead the host passes each distinct id
  // and a 0/1 selection of its positions, the sums are one MatMul, and the scatter writes each row
  // once (see `rowSelection`).
  let selection: { select: string; index: string } | null = null;
  const select = () =>
    (selection ??= {
      select: g.input(TRAIN_IO.rowSelect, FLOAT, [UNIQUE_IDS, N]),
      index: g.input(TRAIN_IO.rowIndex, INT64, [UNIQUE_IDS, 1]),
    });
  const rowsById = (dRows: string, width: number, base: string | null): string => {
    const selection = select();
    const sums = g.matmul(selection.select, dRows);
    const into = base ?? g.zeros([V, width]);
    // Every index occurs once, so "add" onto a base is as deterministic as a plain write.
    const reduction = base === null ? [] : [stringAttr("reduction", "add")];
    return g.op1("ScatterND", [into, selection.index, sums], "rows_by_id", reduction);
  };

  // d loss / d logits = (softmax − onehot(y)) / N. The (N, V) part is kept unscaled — softmax
  // with −1 scattered onto the target columns — and 1/N applied to the small tensors instead:
  // the decoder input (for the weight gradient), the bias gradient and the gradient sent down.
  if (loss.probs === null || loss.picked === null) {
    throw new Error("internal: the backward pass needs the loss graph's softmax");
  }
  // The −1s are computed from the loss's picked probabilities (p·0 − 1, exact for p in [0, 1]):
  // ORT then runs the loss's gather before this scatter and lets the scatter write into the
  // softmax's buffer in place; otherwise it copied the (N, V) tensor first (18 of ~210 ms a step).
  const minusOnes = g.sub(g.mul(loss.picked, g.scalar(0)), g.scalar(1));
  const dLogitsN = g.op1("ScatterElements", [loss.probs, loss.targets, minusOnes], "dlogits_n", [
    intAttr("axis", 1),
    stringAttr("reduction", "add"),
  ]);
  const grads: Record<string, string> = {};
  // Packed, the decoder is (hidden + 1, V) and `top` ends in a column of ones: its gradient is
  // [top | 1]ᵀ·dlogits, whose last row is the bias gradient.
  const topN = g.scale(top, 1 / N);
  const dWdec = packed ? g.gemmTransA(topN, dLogitsN) : g.gemmTransA(dLogitsN, topN);
  if (!packed) grads["decoder.bias"] = g.scale(g.sumRows(dLogitsN, N), 1 / N);
  const dTop = packed ? g.gemm(dLogitsN, wdec, null, true) : g.matmul(dLogitsN, wdec);
  let dY = g.scale(packed ? g.split(dTop, 1, 2, [spec.hiddenSize, 1])[0] : dTop, 1 / N);
  if (maskOut !== null) dY = g.mul(dY, maskOut);

  for (let k = L - 1; k >= 0; k--) {
    const { layer, x: xk } = layers[k];
    const wih = `rnn.weight_ih_l${k}`;
    const whh = `rnn.weight_hh_l${k}`;
    const { dGi, dGh, hPrevAll } = layer.backward({ dOut: dY });
    // Weight gradients as one product over all steps: Gemm(transA) measured as fast as or faster
    // than Transpose + MatMul for every shape here ([1120, 1024]ᵀ·[1120, 256]: 4.5–5.0 vs 5.5–7.5 ms).
    grads[whh] = g.gemmTransA(dGh, hPrevAll);
    grads[`rnn.bias_hh_l${k}`] = g.sumRows(dGh, N);
    grads[`rnn.bias_ih_l${k}`] = dGi === dGh ? grads[`rnn.bias_hh_l${k}`] : g.sumRows(dGi, N);
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
  let embeddingRows: EmbeddingRows | null = null;
  if (embedding && sparseEmbedding && !spec.tied) {
    // Only the window's ids have a nonzero gradient row: kept as those rows, the update touches
    // (and the step outputs) a few hundred rows instead of the whole vocabulary's.
    const { select: selectRows, index } = select();
    embeddingRows = { index, rows: g.matmul(selectRows, dY) };
  } else if (embedding) {
    grads["encoder.weight"] = rowsById(dY, spec.embeddingSize ?? 0, spec.tied ? dWdec : null);
  }
  if (packed) grads[PACKED_DECODER] = dWdec;
  return { grads, rowSelection: selection !== null, embeddingRows };
}
