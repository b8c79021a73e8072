import type { Cell } from "@rnnlm/core";
import { intAttr } from "./onnx-nodes.js";
import { type OnnxTypes, onnx } from "./onnx-proto.js";

/** The ONNX operator of each cell. */
export const RECURRENT_OP_TYPE: Readonly<Record<Cell, string>> = {
  rnn_tanh: "RNN",
  rnn_relu: "RNN",
  gru: "GRU",
  lstm: "LSTM",
};

/**
 * The attributes of a cell's ONNX recurrent op: `hidden_size`, GRU's `linear_before_reset` = 1
 * (PyTorch applies the reset gate to W_hn·h + b_hn) and the Elman activation.
 */
export function recurrentOpAttributes(cell: Cell, hidden: number): OnnxTypes.IAttributeProto[] {
  const attrs = [intAttr("hidden_size", hidden)];
  if (cell === "gru") attrs.push(intAttr("linear_before_reset", 1));
  if (cell === "rnn_tanh" || cell === "rnn_relu") {
    attrs.push({
      name: "activations",
      type: onnx.AttributeProto.AttributeType.STRINGS,
      strings: [new TextEncoder().encode(cell === "rnn_relu" ? "Relu" : "Tanh")],
    });
  }
  return attrs;
}
