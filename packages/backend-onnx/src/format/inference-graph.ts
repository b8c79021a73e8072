import { gateCount, inputSize, type ModelSpec, type Weights } from "@rnnlm/core";
import { hasCellState } from "@rnnlm/core/backend";
import { ONNX_GATE_ORDER, permuteGateBlocks } from "./gate-order.js";
import { ONNX_IO, recurrentInitializerNames } from "./onnx-io.js";
import { type Dim, intAttr, node, valueInfo } from "./onnx-nodes.js";
import { type OnnxTypes, onnx } from "./onnx-proto.js";
import { RECURRENT_OP_TYPE, recurrentOpAttributes } from "./recurrent-op.js";
import { floatInitializer, int32Initializer, int64Initializer } from "./tensor-proto.js";

const A = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT32 = onnx.TensorProto.DataType.INT32;

function weight(weights: Weights, name: string): ArrayLike<number> {
  const w = weights[name];
  if (w === undefined) throw new Error(`internal: weight "${name}" missing after validation`);
  return w.data;
}

/**
 * Builds the ONNX graph of an inference model: Gather (embedding) or OneHot (one-hot input),
 * one RNN/GRU/LSTM node per layer with gates in ONNX order, a MatMul + Add decoder, and the
 * state as explicit inputs and outputs. `weights` must already be validated against `spec`.
 */
export function buildOnnxGraph(spec: ModelSpec, weights: Weights): OnnxTypes.IGraphProto {
  const H = spec.hiddenSize;
  const V = spec.vocabSize;
  const L = spec.numLayers;
  const G = gateCount(spec.cell);
  const order = ONNX_GATE_ORDER[spec.cell];
  const lstm = hasCellState(spec.cell);
  const nodes: OnnxTypes.INodeProto[] = [];
  const inits: OnnxTypes.ITensorProto[] = [];

  // Input: ids → x0 of shape (steps, batch, inputSize).
  if (spec.embeddingSize !== null) {
    inits.push(floatInitializer("encoder.weight", [V, spec.embeddingSize], weight(weights, "encoder.weight")));
    nodes.push(node("Gather", ["encoder.weight", ONNX_IO.ids], ["x_l0"], [intAttr("axis", 0)]));
  } else {
    // One-hot, exactly as d2l: a (steps, batch, vocab) 0/1 tensor fed to the first layer.
    inits.push(int32Initializer("onehot.depth", [1], [V]));
    inits.push(floatInitializer("onehot.values", [2], [0, 1]));
    nodes.push(node("OneHot", [ONNX_IO.ids, "onehot.depth", "onehot.values"], ["x_l0"], [intAttr("axis", -1)]));
  }

  inits.push(int64Initializer("state.axes", [1], [0]));
  inits.push(int64Initializer("y.squeeze_axes", [1], [1]));
  const hOut: string[] = [];
  const cOut: string[] = [];
  for (let k = 0; k < L; k++) {
    const inSize = k === 0 ? inputSize(spec) : H;
    const names = recurrentInitializerNames(k);
    const W = new Float32Array(G * H * inSize);
    const R = new Float32Array(G * H * H);
    const B = new Float32Array(2 * G * H);
    permuteGateBlocks(weight(weights, `rnn.weight_ih_l${k}`), H, inSize, order, W);
    permuteGateBlocks(weight(weights, `rnn.weight_hh_l${k}`), H, H, order, R);
    permuteGateBlocks(weight(weights, `rnn.bias_ih_l${k}`), H, 1, order, B, 0);
    permuteGateBlocks(weight(weights, `rnn.bias_hh_l${k}`), H, 1, order, B, G * H);
    inits.push(floatInitializer(names.W, [1, G * H, inSize], W));
    inits.push(floatInitializer(names.R, [1, G * H, H], R));
    inits.push(floatInitializer(names.B, [1, 2 * G * H], B));
    inits.push(int64Initializer(`state.start_l${k}`, [1], [k]));
    inits.push(int64Initializer(`state.end_l${k}`, [1], [k + 1]));

    const bounds = [`state.start_l${k}`, `state.end_l${k}`, "state.axes"];
    nodes.push(node("Slice", [ONNX_IO.h0, ...bounds], [`h0_l${k}`]));
    const inputs = [`x_l${k}`, names.W, names.R, names.B, "", `h0_l${k}`];
    const outputs = [`y_l${k}`, `hn_l${k}`];
    if (lstm) {
      nodes.push(node("Slice", [ONNX_IO.c0, ...bounds], [`c0_l${k}`]));
      inputs.push(`c0_l${k}`);
      outputs.push(`cn_l${k}`);
      cOut.push(`cn_l${k}`);
    }
    hOut.push(`hn_l${k}`);
    const opType = RECURRENT_OP_TYPE[spec.cell];
    nodes.push({ ...node(opType, inputs, outputs, recurrentOpAttributes(spec.cell, H)), name: `${opType}_l${k}` });
    // Y is (steps, num_directions = 1, batch, H): drop the direction axis for the next layer.
    nodes.push(node("Squeeze", [`y_l${k}`, "y.squeeze_axes"], [`x_l${k + 1}`]));
  }
  nodes.push(node("Concat", hOut, [ONNX_IO.hn], [intAttr("axis", 0)]));
  if (lstm) nodes.push(node("Concat", cOut, [ONNX_IO.cn], [intAttr("axis", 0)]));

  // Decoder: (steps·batch, H) × decoder.weightᵀ + bias. Tied models use encoder.weight itself.
  const decoderWeight = spec.tied ? "encoder.weight" : "decoder.weight";
  if (!spec.tied) inits.push(floatInitializer("decoder.weight", [V, H], weight(weights, "decoder.weight")));
  inits.push(floatInitializer("decoder.bias", [V], weight(weights, "decoder.bias")));
  inits.push(int64Initializer("decoder.in_shape", [2], [-1, H]));
  nodes.push(node("Reshape", [`x_l${L}`, "decoder.in_shape"], ["decoder.in"]));
  nodes.push(node("Transpose", [decoderWeight], ["decoder.weight_t"], [{ name: "perm", type: A.INTS, ints: [1, 0] }]));
  nodes.push(node("MatMul", ["decoder.in", "decoder.weight_t"], ["decoder.mm"]));
  nodes.push(node("Add", ["decoder.mm", "decoder.bias"], [ONNX_IO.logits]));

  const stateDims: Dim[] = [L, "batch", H];
  const input = [valueInfo(ONNX_IO.ids, INT32, ["steps", "batch"]), valueInfo(ONNX_IO.h0, FLOAT, stateDims)];
  const output = [valueInfo(ONNX_IO.logits, FLOAT, ["rows", V]), valueInfo(ONNX_IO.hn, FLOAT, stateDims)];
  if (lstm) {
    input.push(valueInfo(ONNX_IO.c0, FLOAT, stateDims));
    output.push(valueInfo(ONNX_IO.cn, FLOAT, stateDims));
  }
  return {
    name: `rnnlm_${spec.cell}`,
    docString:
      "rnnlm language model. ids: int32 (steps, batch) time-major; h0/c0: (layers, batch, hidden); " +
      "logits: (steps*batch, vocab) with row t*batch+b; hn/cn: state after the last step.",
    node: nodes,
    initializer: inits,
    input,
    output,
  };
}
