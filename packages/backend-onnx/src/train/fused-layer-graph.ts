import { type Cell, gateCount } from "@rnnlm/core";
import { ONNX_GATE_ORDER } from "../format/gate-order.js";
import { RECURRENT_OP_TYPE, recurrentOpAttributes } from "../format/recurrent-op.js";
import type { GraphBuilder } from "./graph-builder.js";

/** One layer of a forward-only graph: its input and state. */
export interface FusedLayerInput {
  readonly g: GraphBuilder;
  readonly cell: Cell;
  /** The layer index (parameter names `rnn.*_l<k>`). */
  readonly k: number;
  readonly steps: number;
  readonly batch: number;
  readonly hidden: number;
  /** (steps·batch, input width), time-major rows. */
  readonly x: string;
  readonly inputWidth: number;
  /** (batch, hidden). */
  readonly h0: string;
  readonly c0: string | null;
}

/** Every step's output (steps·batch, hidden) and the final state (batch, hidden). */
export interface FusedLayer {
  readonly yAll: string;
  readonly hT: string;
  readonly cT: string | null;
}

/**
 * A recurrent layer as ONNX's own RNN/GRU/LSTM op, for graphs with no backward pass (evaluation,
 * forward): one node runs the whole window, where the training form runs ~10 nodes a step (ONNX
 * Runtime's per-node cost dominated a 10 × 200 evaluation step). The canonical (PyTorch-order)
 * parameters are graph inputs, so the gate blocks are reordered in the graph, as the exporter does
 * on the host (`ONNX_GATE_ORDER`).
 */
export function fusedLayerGraph(input: FusedLayerInput): FusedLayer {
  const { g, cell, k, steps: T, batch: B, hidden: H } = input;
  const G = gateCount(cell);
  const rows = ONNX_GATE_ORDER[cell].flatMap((block) => Array.from({ length: H }, (_, i) => block * H + i));
  const perm = g.indices(rows, `onnx_gate_rows_${cell}`);
  const W = g.reshape(g.gather(`rnn.weight_ih_l${k}`, perm), [1, G * H, input.inputWidth]);
  const R = g.reshape(g.gather(`rnn.weight_hh_l${k}`, perm), [1, G * H, H]);
  const bias = g.concat([g.gather(`rnn.bias_ih_l${k}`, perm), g.gather(`rnn.bias_hh_l${k}`, perm)], 0);
  const inputs = [
    g.reshape(input.x, [T, B, input.inputWidth]),
    W,
    R,
    g.reshape(bias, [1, 2 * G * H]),
    "",
    g.reshape(input.h0, [1, B, H]),
  ];
  const outputs = [g.fresh(`y_l${k}`), g.fresh(`hn_l${k}`)];
  if (input.c0 !== null) {
    inputs.push(g.reshape(input.c0, [1, B, H]));
    outputs.push(g.fresh(`cn_l${k}`));
  }
  const [y, hn, cn] = g.op(RECURRENT_OP_TYPE[cell], inputs, outputs, recurrentOpAttributes(cell, H));
  return {
    yAll: g.reshape(y, [T * B, H]),
    hT: g.reshape(hn, [B, H]),
    cT: cn === undefined ? null : g.reshape(cn, [B, H]),
  };
}
