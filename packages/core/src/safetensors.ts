import { CheckpointError } from "./errors.js";
import { sizeOf } from "./tensor.js";

/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte little-endian
 * header length N, N bytes of JSON header, then the raw little-endian tensor bytes. Pure
 * byte functions so they run in browsers too.
 */

export type SafetensorsDType = "F32" | "F64" | "I32" | "I64";
export type SafetensorsArray = Float32Array | Float64Array | Int32Array | BigInt64Array;

export interface SafetensorsTensor {
  readonly shape: readonly number[];
  readonly data: SafetensorsArray;
}

export interface SafetensorsFile {
  readonly tensors: Record<string, SafetensorsTensor>;
  readonly metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDType, number> = { F32: 4, F64: 8, I32: 4, I64: 8 };
/** Headers beyond this are refused before parsing (the reference implementation's limit). */
export const MAX_SAFETENSORS_HEADER_BYTES = 100_000_000;

function dtypeOf(data: SafetensorsArray): SafetensorsDType {
  if (data instanceof Float32Array) return "F32";
  if (data instanceof Float64Array) return "F64";
  if (data instanceof Int32Array) return "I32";
  return "I64";
}

/**
 * Serialises tensors (in the given key order) and string metadata. The header is padded
 * with spaces to a multiple of 8 bytes so every tensor starts aligned.
 */
export function encodeSafetensors(
  tensors: Record<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  const entries = Object.entries(tensors);
  for (const [name, t] of entries) {
    if (name === "__metadata__") throw new CheckpointError('"__metadata__" cannot be a tensor name');
    if (sizeOf(t.shape) !== t.data.length) {
      throw new CheckpointError(
        `tensor "${name}": shape [${t.shape.join(", ")}] does not match ${t.data.length} values`,
      );
    }
    const bytes = t.data.byteLength;
    header[name] = { dtype: dtypeOf(t.data), shape: [...t.shape], data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const encoder = new TextEncoder();
  let headerBytes = encoder.encode(json);
  const pad = (8 - (headerBytes.length % 8)) % 8;
  if (pad > 0) {
    json += " ".repeat(pad);
    headerBytes = encoder.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const [, t] of entries) {
    const src = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    if (littleEndian) out.set(src, at);
    else writeLittleEndian(t.data, out, at);
    at += t.data.byteLength;
  }
  return out;
}

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function writeLittleEndian(data: SafetensorsArray, out: Uint8Array, at: number): void {
  const view = new DataView(out.buffer, out.byteOffset + at);
  const step = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (data instanceof Float32Array) view.setFloat32(i * step, v as number, true);
    else if (data instanceof Float64Array) view.setFloat64(i * step, v as number, true);
    else if (data instanceof Int32Array) view.setInt32(i * step, v as number, true);
    else view.setBigInt64(i * step, v as bigint, true);
  }
}

function fail(source: string, problem: string): never {
  throw new CheckpointError(`${source} is not a valid safetensors file: ${problem}`);
}

function readTensor(bytes: Uint8Array, start: number, end: number, dtype: SafetensorsDType): SafetensorsArray {
  // Copy into a fresh, aligned buffer: the file's bytes may sit at any offset, and a Node
  // Buffer's slice() is a view, so copy through the Uint8Array constructor.
  const copy = new Uint8Array(bytes.subarray(start, end));
  const view = new DataView(copy.buffer);
  const n = (end - start) / BYTES[dtype];
  if (littleEndian) {
    switch (dtype) {
      case "F32":
        return new Float32Array(copy.buffer);
      case "F64":
        return new Float64Array(copy.buffer);
      case "I32":
        return new Int32Array(copy.buffer);
      case "I64":
        return new BigInt64Array(copy.buffer);
    }
  }
  switch (dtype) {
    case "F32":
      return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
    case "F64":
      return Float64Array.from({ length: n }, (_, i) => view.getFloat64(i * 8, true));
    case "I32":
      return Int32Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true));
    case "I64":
      return BigInt64Array.from({ length: n }, (_, i) => view.getBigInt64(i * 8, true));
  }
}

/**
 * Parses safetensors bytes, checking every size against the buffer before allocating:
 * header length, JSON shape, dtypes, offsets inside the data, no overlaps and no holes.
 * Anything wrong ends in a {@link CheckpointError} naming `source` and the problem.
 */
export function decodeSafetensors(bytes: Uint8Array, source = "the weights file"): SafetensorsFile {
  if (bytes.length < 8) fail(source, `it is ${bytes.length} bytes long, shorter than the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(Math.min(bytes.length - 8, MAX_SAFETENSORS_HEADER_BYTES))) {
    fail(source, `its header claims ${headerLength} bytes but the file has ${bytes.length - 8} after the length field`);
  }
  const n = Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (error) {
    fail(source, `its header is not UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    fail(source, "its header is not an object");
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const spans: Array<[number, number, string]> = [];
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry))
        fail(source, "__metadata__ is not an object");
      for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof v !== "string") fail(source, `metadata "${k}" is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    if (typeof entry !== "object" || entry === null) fail(source, `entry "${name}" is not an object`);
    const { dtype, shape, data_offsets: offsets } = entry as Record<string, unknown>;
    if (typeof dtype !== "string" || !(dtype in BYTES)) {
      fail(source, `tensor "${name}" has unsupported dtype ${JSON.stringify(dtype)} (supported: F32, F64, I32, I64)`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(source, `tensor "${name}" has an invalid shape`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      fail(source, `tensor "${name}" has invalid data_offsets`);
    }
    const [begin, end] = offsets as [number, number];
    const size = BYTES[dtype as SafetensorsDType];
    const count = (shape as number[]).reduce((a, d) => a * d, 1);
    if (end > dataLength)
      fail(source, `tensor "${name}" ends at byte ${end} but the data is ${dataLength} bytes (truncated?)`);
    if (end - begin !== count * size) {
      fail(source, `tensor "${name}" spans ${end - begin} bytes, its shape and dtype need ${count * size}`);
    }
    spans.push([begin, end, name]);
    tensors[name] = { shape: shape as number[], data: new Float32Array(0) };
  }
  spans.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== covered) fail(source, `tensor "${name}" starts at ${begin}, expected ${covered} (overlap or hole)`);
    covered = end;
  }
  if (covered !== dataLength)
    fail(source, `${dataLength - covered} bytes after the last tensor are not described by the header`);
  for (const [begin, end, name] of spans) {
    const entry = (header as Record<string, { dtype: SafetensorsDType }>)[name];
    tensors[name] = {
      shape: tensors[name].shape,
      data: readTensor(bytes, dataStart + begin, dataStart + end, entry.dtype),
    };
  }
  return { tensors, metadata };
}
