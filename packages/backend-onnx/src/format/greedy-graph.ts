import type { ModelSpec, Weights } from "@rnnlm/core";
import { hasCellState } from "@rnnlm/core/backend";
import { buildOnnxGraph } from "./inference-graph.js";
import { ONNX_IO } from "./onnx-io.js";
import { type Dim, intAttr, node, ONNX_IR_VERSION, ONNX_OPSET, valueInfo } from "./onnx-nodes.js";
import { type OnnxTypes, onnx } from "./onnx-proto.js";
import { floatInitializer } from "./tensor-proto.js";

const A = onnx.AttributeProto.AttributeType;
const T = onnx.TensorProto.DataType;

/**
 * Inputs and outputs of the greedy-generation model (built at load time from the weights,
 * never stored in a file, so exported files keep the one-step format older readers know).
 * Named apart from the step graph's own names: a Loop body must not shadow outer names.
 */
export const GREEDY_IO = {
  /** int32 (1, 1): the token fed at the first step. */
  first: "greedy.first",
  /** int64 scalar: steps to run. */
  count: "greedy.count",
  h0: "greedy.h0",
  c0: "greedy.c0",
  /** int32 (count, 1, 1): the token chosen after each step (argmax, the first on ties). */
  tokens: "greedy.tokens",
  /** float32 (1, vocab): the logits of the last step. */
  logits: "greedy.logits",
  hn: "greedy.hn",
  cn: "greedy.cn",
  /** int32 (1, 1): the last token chosen (= the last of `tokens`). */
  last: "greedy.last",
} as const;

/**
 * An ONNX model that runs `count` greedy steps in one call, batch 1: an ONNX `Loop` whose body
 * is the one-step inference graph ({@link buildOnnxGraph}, so the same nodes compute the same
 * logits) followed by `ArgMax`, feeding each chosen token back in. One session call per
 * `count` tokens instead of one per token: at small sizes the call costs more than the step.
 */
export function buildGreedyModel(spec: ModelSpec, weights: Weights): Uint8Array {
  const step = buildOnnxGraph(spec, weights);
  const V = spec.vocabSize;
  const stateDims: Dim[] = [spec.numLayers, 1, spec.hiddenSize];
  const lstm = hasCellState(spec.cell);

  const bodyInputs = [
    valueInfo("iteration", T.INT64, []),
    valueInfo("cond_in", T.BOOL, []),
    valueInfo(ONNX_IO.ids, T.INT32, [1, 1]),
    valueInfo(ONNX_IO.h0, T.FLOAT, stateDims),
    ...(lstm ? [valueInfo(ONNX_IO.c0, T.FLOAT, stateDims)] : []),
    valueInfo("logits_in", T.FLOAT, [1, V]),
  ];
  const bodyOutputs = [
    valueInfo("cond_out", T.BOOL, []),
    valueInfo("next_ids", T.INT32, [1, 1]),
    valueInfo(ONNX_IO.hn, T.FLOAT, stateDims),
    ...(lstm ? [valueInfo(ONNX_IO.cn, T.FLOAT, stateDims)] : []),
    valueInfo(ONNX_IO.logits, T.FLOAT, [1, V]),
    valueInfo("chosen", T.INT32, [1, 1]),
  ];
  const body: OnnxTypes.IGraphProto = {
    name: "greedy_step",
    node: [
      ...(step.node ?? []),
      node("Identity", ["cond_in"], ["cond_out"]),
      node("ArgMax", [ONNX_IO.logits], ["argmax"], [intAttr("axis", 1), intAttr("keepdims", 1)]),
      node("Cast", ["argmax"], ["next_ids"], [intAttr("to", T.INT32)]),
      node("Identity", ["next_ids"], ["chosen"]),
    ],
    input: bodyInputs,
    output: bodyOutputs,
  };

  const loopInputs: string[] = [GREEDY_IO.count, "", GREEDY_IO.first, GREEDY_IO.h0];
  const loopOutputs: string[] = [GREEDY_IO.last, GREEDY_IO.hn];
  if (lstm) {
    loopInputs.push(GREEDY_IO.c0);
    loopOutputs.push(GREEDY_IO.cn);
  }
  loopInputs.push("greedy.logits_init");
  loopOutputs.push(GREEDY_IO.logits, GREEDY_IO.tokens);
  const graph: OnnxTypes.IGraphProto = {
    name: `rnnlm_${spec.cell}_greedy`,
    // The step graph's weights and constants stay in the outer graph: the body reads them from
    // the enclosing scope, so ORT holds one copy.
    initializer: [...(step.initializer ?? []), floatInitializer("greedy.logits_init", [1, V], new Float32Array(V))],
    node: [{ ...node("Loop", loopInputs, loopOutputs), attribute: [{ name: "body", type: A.GRAPH, g: body }] }],
    input: [
      valueInfo(GREEDY_IO.first, T.INT32, [1, 1]),
      valueInfo(GREEDY_IO.count, T.INT64, []),
      valueInfo(GREEDY_IO.h0, T.FLOAT, stateDims),
      ...(lstm ? [valueInfo(GREEDY_IO.c0, T.FLOAT, stateDims)] : []),
    ],
    output: [
      valueInfo(GREEDY_IO.last, T.INT32, [1, 1]),
      valueInfo(GREEDY_IO.hn, T.FLOAT, stateDims),
      ...(lstm ? [valueInfo(GREEDY_IO.cn, T.FLOAT, stateDims)] : []),
      valueInfo(GREEDY_IO.logits, T.FLOAT, [1, V]),
      valueInfo(GREEDY_IO.tokens, T.INT32, ["count", 1, 1]),
    ],
  };
  const model = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    producerName: "rnnlm",
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
