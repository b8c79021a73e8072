import onnxProto from "onnx-proto";

/**
 * The ONNX protobuf classes (`onnx-proto`, compiled from onnx.proto3 with protobufjs).
 * The package is CommonJS, so it is imported whole and its namespace taken here, once.
 */
export const onnx = onnxProto.onnx;
export type { onnx as OnnxTypes } from "onnx-proto";
