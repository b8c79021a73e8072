import { type OnnxTypes, onnx } from "./onnx-proto.js";

// Node helpers shared by the inference graph (inference-graph.ts) and the training graphs
// (train/graph-builder.ts).

/** IR version and default-domain opset the exporter targets (ONNX 1.12; onnx.checker accepts both). */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

const A = onnx.AttributeProto.AttributeType;

/** A dimension: a size, or the name of a symbolic dimension. */
export type Dim = number | string;

/** A tensor-typed graph input or output. */
export function valueInfo(name: string, elemType: number, dims: readonly Dim[]): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** An INT attribute. */
export function intAttr(name: string, i: number): OnnxTypes.IAttributeProto {
  return { name, type: A.INT, i };
}

/** A node named after its op type and first output. */
export function node(opType: string, input: string[], output: string[], attribute: OnnxTypes.IAttributeProto[] = []) {
  const name = `${opType}_${output[0]}`;
  return { name, opType, input, output, attribute } satisfies OnnxTypes.INodeProto;
}
