import type { Cell } from "@rnnlm/core";
import type { FusedCell } from "./fused-cell.js";
import { gruCell } from "./gru-cell.js";
import { lstmCell } from "./lstm-cell.js";
import { rnnReluCell, rnnTanhCell } from "./simple-rnn-cell.js";

/** The fused implementation of a spec's cell type. */
export function cellFor(cell: Cell): FusedCell {
  switch (cell) {
    case "lstm":
      return lstmCell;
    case "gru":
      return gruCell;
    case "rnn_tanh":
      return rnnTanhCell;
    case "rnn_relu":
      return rnnReluCell;
  }
}
