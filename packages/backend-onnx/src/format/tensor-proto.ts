import { OnnxFileError } from "./onnx-file-error.js";
import type { OnnxTypes } from "./onnx-proto.js";
import { onnx } from "./onnx-proto.js";

const FLOAT = onnx.TensorProto.DataType.FLOAT;

const LITTLE_ENDIAN = new Uint8Array(Float32Array.of(1).buffer)[3] === 0x3f;

/** A float32 initializer stored as little-endian `raw_data`. */
export function floatInitializer(
  name: string,
  dims: readonly number[],
  values: ArrayLike<number>,
): OnnxTypes.ITensorProto {
  let raw: Uint8Array;
  if (LITTLE_ENDIAN) {
    raw = new Uint8Array(
      (values instanceof Float32Array || values instanceof Float64Array
        ? new Float32Array(values)
        : Float32Array.from(values)
      ).buffer,
    );
  } else {
    raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  }
  return { name, dims: [...dims], dataType: FLOAT, rawData: raw };
}

/** A float64 initializer (the clipping norm's constants). */
export function doubleInitializer(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): OnnxTypes.ITensorProto {
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.DOUBLE, doubleData: [...values] };
}

/** An int64 initializer (shapes, axes, slice bounds). */
export function int64Initializer(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): OnnxTypes.ITensorProto {
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...values] };
}

/** An int32 initializer. */
export function int32Initializer(
  name: string,
  dims: readonly number[],
  values: readonly number[],
): OnnxTypes.ITensorProto {
  return { name, dims: [...dims], dataType: onnx.TensorProto.DataType.INT32, int32Data: [...values] };
}

/** An int64 field's value: a number from the decoder, or a `Long` from protobufjs-made objects. */
export function int64ToNumber(value: number | { toNumber(): number } | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : value.toNumber();
}

/**
 * Reads a float32 initializer whose dims must equal `expected`, checking the stored byte
 * count against the shape before allocating.
 */
export function readFloatInitializer(tensor: OnnxTypes.ITensorProto, expected: readonly number[]): Float32Array {
  const name = tensor.name ?? "(unnamed)";
  const dims = (tensor.dims ?? []).map((d) => int64ToNumber(d));
  if (dims.length !== expected.length || dims.some((d, i) => d !== expected[i])) {
    throw new OnnxFileError(
      `initializer "${name}" has shape [${dims.join(", ")}], the model spec in the metadata needs [${expected.join(", ")}]`,
    );
  }
  if (tensor.dataType !== FLOAT) {
    throw new OnnxFileError(`initializer "${name}" has data type ${tensor.dataType}, expected FLOAT (${FLOAT})`);
  }
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new OnnxFileError(`initializer "${name}" uses external data; rnnlm models keep every weight inside the file`);
  }
  const count = expected.reduce((n, d) => n * d, 1);
  const raw = tensor.rawData;
  if (raw !== null && raw !== undefined && raw.length > 0) {
    if (raw.length !== count * 4) {
      throw new OnnxFileError(`initializer "${name}" holds ${raw.length} bytes, its shape needs ${count * 4}`);
    }
    if (LITTLE_ENDIAN) {
      const copy = new Uint8Array(raw.byteLength); // a copy: the decoder hands out a view into the file's bytes
      copy.set(raw);
      return new Float32Array(copy.buffer);
    }
    const out = new Float32Array(count);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const floats = tensor.floatData ?? [];
  if (floats.length !== count) {
    throw new OnnxFileError(`initializer "${name}" holds ${floats.length} values, its shape needs ${count}`);
  }
  return Float32Array.from(floats);
}
