import type { Cell } from "@rnnlm/core";
import { gruCell } from "./gru-cell.js";
import { lstmCell } from "./lstm-cell.js";
import { reluRnnCell, tanhRnnCell } from "./rnn-cell.js";

/**
 * What one cell step keeps for the backward pass. `h` (and `c` for LSTM) is the new state;
 * `saved` holds the cell's own activations.
 */
export interface CellForward {
  readonly h: Float64Array;
  readonly c: Float64Array | null;
  readonly saved: Float64Array[];
}

/** Gradients a cell step sends back, given d loss / d h' (and d c'). */
export interface CellBackward {
  /** d loss / d (W_ih·x + b_ih), all gate blocks. */
  readonly dgi: Float64Array;
  /** d loss / d (W_hh·h + b_hh), all gate blocks. */
  readonly dgh: Float64Array;
  /** The part of d loss / d h that does not flow through W_hh (GRU's z⊙h term), or null. */
  readonly dhDirect: Float64Array | null;
  /** d loss / d c (LSTM), or null. */
  readonly dcPrev: Float64Array | null;
}

/**
 * One recurrent cell, written against the two affine parts PyTorch keeps separate:
 * `gi = W_ih·x + b_ih` and `gh = W_hh·h + b_hh`, each `gates · H` long in PyTorch gate order.
 */
export interface CellKernel {
  readonly gates: number;
  forward(gi: Float64Array, gh: Float64Array, hPrev: Float64Array, cPrev: Float64Array | null): CellForward;
  backward(
    step: CellForward,
    dh: Float64Array,
    dc: Float64Array | null,
    hPrev: Float64Array,
    cPrev: Float64Array | null,
  ): CellBackward;
}

export function cellKernel(cell: Cell): CellKernel {
  switch (cell) {
    case "rnn_tanh":
      return tanhRnnCell;
    case "rnn_relu":
      return reluRnnCell;
    case "gru":
      return gruCell;
    case "lstm":
      return lstmCell;
  }
}
