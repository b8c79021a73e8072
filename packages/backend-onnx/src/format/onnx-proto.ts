import {
  ProtoDecodeError,
  ProtoReader,
  ProtoWriter,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH,
  WIRE_VARINT,
} from "./protobuf-wire.js";

/*
 * ONNX's ModelProto (onnx/onnx.proto3, IR 8), encoded and decoded by hand for the messages and
 * fields rnnlm writes and reads; other fields are skipped when decoding. The API is the subset of
 * protobufjs's generated `onnx` namespace the package used before (`onnx.ModelProto.encode(m)
 * .finish()`, `decode`, the enums), with camelCase field names. Encoding follows protobufjs's
 * choices (fields in number order, repeated numbers packed, a field written when present), so
 * the bytes are those the `onnx-proto` package wrote; test/onnx-proto.test.ts checks both
 * against it and against a file Python's onnx wrote.
 */

/** Field shapes (a namespace, as the generated types were); int64 values are JavaScript numbers (exact to 2^53). */
export declare namespace OnnxTypes {
  interface IOperatorSetIdProto {
    domain?: string | null;
    version?: number | null;
  }
  interface IStringStringEntryProto {
    key?: string | null;
    value?: string | null;
  }
  interface IDimension {
    dimValue?: number | null;
    dimParam?: string | null;
    denotation?: string | null;
  }
  interface ITensorShapeProto {
    dim?: IDimension[] | null;
  }
  interface ITensorTypeProto {
    elemType?: number | null;
    shape?: ITensorShapeProto | null;
  }
  interface ITypeProto {
    tensorType?: ITensorTypeProto | null;
    denotation?: string | null;
  }
  interface IValueInfoProto {
    name?: string | null;
    type?: ITypeProto | null;
    docString?: string | null;
  }
  interface ITensorProto {
    dims?: number[] | null;
    dataType?: number | null;
    floatData?: number[] | null;
    int32Data?: number[] | null;
    stringData?: Uint8Array[] | null;
    int64Data?: number[] | null;
    name?: string | null;
    rawData?: Uint8Array | null;
    doubleData?: number[] | null;
    docString?: string | null;
    externalData?: IStringStringEntryProto[] | null;
    dataLocation?: number | null;
  }
  interface IAttributeProto {
    name?: string | null;
    refAttrName?: string | null;
    docString?: string | null;
    type?: number | null;
    f?: number | null;
    i?: number | null;
    s?: Uint8Array | null;
    t?: ITensorProto | null;
    g?: IGraphProto | null;
    floats?: number[] | null;
    ints?: number[] | null;
    strings?: Uint8Array[] | null;
    tensors?: ITensorProto[] | null;
    graphs?: IGraphProto[] | null;
  }
  interface INodeProto {
    input?: string[] | null;
    output?: string[] | null;
    name?: string | null;
    opType?: string | null;
    domain?: string | null;
    attribute?: IAttributeProto[] | null;
    docString?: string | null;
  }
  interface IGraphProto {
    node?: INodeProto[] | null;
    name?: string | null;
    initializer?: ITensorProto[] | null;
    docString?: string | null;
    input?: IValueInfoProto[] | null;
    output?: IValueInfoProto[] | null;
    valueInfo?: IValueInfoProto[] | null;
  }
  interface IModelProto {
    irVersion?: number | null;
    opsetImport?: IOperatorSetIdProto[] | null;
    producerName?: string | null;
    producerVersion?: string | null;
    domain?: string | null;
    modelVersion?: number | null;
    docString?: string | null;
    graph?: IGraphProto | null;
    metadataProps?: IStringStringEntryProto[] | null;
  }
  /** A decoded model: repeated fields are always arrays. */
  interface ModelProto extends IModelProto {
    opsetImport: IOperatorSetIdProto[];
    metadataProps: IStringStringEntryProto[];
  }
}

type Kind = "int64" | "float" | "double" | "string" | "bytes" | Schema;
interface Field {
  readonly no: number;
  readonly name: string;
  readonly kind: Kind;
  readonly repeated?: boolean;
}
/** A message's fields, in field-number order. */
type Schema = readonly Field[];

const f = (no: number, name: string, kind: Kind, repeated = false): Field => ({ no, name, kind, repeated });

const StringStringEntry: Schema = [f(1, "key", "string"), f(2, "value", "string")];
const OperatorSetId: Schema = [f(1, "domain", "string"), f(2, "version", "int64")];
const Dimension: Schema = [f(1, "dimValue", "int64"), f(2, "dimParam", "string"), f(3, "denotation", "string")];
const TensorShape: Schema = [f(1, "dim", Dimension, true)];
const TensorType: Schema = [f(1, "elemType", "int64"), f(2, "shape", TensorShape)];
const TypeSchema: Schema = [f(1, "tensorType", TensorType), f(6, "denotation", "string")];
const ValueInfo: Schema = [f(1, "name", "string"), f(2, "type", TypeSchema), f(3, "docString", "string")];
const Tensor: Schema = [
  f(1, "dims", "int64", true),
  f(2, "dataType", "int64"),
  f(4, "floatData", "float", true),
  f(5, "int32Data", "int64", true),
  f(6, "stringData", "bytes", true),
  f(7, "int64Data", "int64", true),
  f(8, "name", "string"),
  f(9, "rawData", "bytes"),
  f(10, "doubleData", "double", true),
  f(12, "docString", "string"),
  f(13, "externalData", StringStringEntry, true),
  f(14, "dataLocation", "int64"),
];
// Graph and Attribute refer to each other (subgraph attributes): filled in below.
const Graph: Field[] = [];
const Attribute: Schema = [
  f(1, "name", "string"),
  f(2, "f", "float"),
  f(3, "i", "int64"),
  f(4, "s", "bytes"),
  f(5, "t", Tensor),
  f(6, "g", Graph),
  f(7, "floats", "float", true),
  f(8, "ints", "int64", true),
  f(9, "strings", "bytes", true),
  f(10, "tensors", Tensor, true),
  f(11, "graphs", Graph, true),
  f(13, "docString", "string"),
  f(20, "type", "int64"),
  f(21, "refAttrName", "string"),
];
const Node: Schema = [
  f(1, "input", "string", true),
  f(2, "output", "string", true),
  f(3, "name", "string"),
  f(4, "opType", "string"),
  f(5, "attribute", Attribute, true),
  f(6, "docString", "string"),
  f(7, "domain", "string"),
];
Graph.push(
  f(1, "node", Node, true),
  f(2, "name", "string"),
  f(5, "initializer", Tensor, true),
  f(10, "docString", "string"),
  f(11, "input", ValueInfo, true),
  f(12, "output", ValueInfo, true),
  f(13, "valueInfo", ValueInfo, true),
);
const Model: Schema = [
  f(1, "irVersion", "int64"),
  f(2, "producerName", "string"),
  f(3, "producerVersion", "string"),
  f(4, "domain", "string"),
  f(5, "modelVersion", "int64"),
  f(6, "docString", "string"),
  f(7, "graph", Graph),
  f(8, "opsetImport", OperatorSetId, true),
  f(14, "metadataProps", StringStringEntry, true),
];

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

type Message = Record<string, unknown>;

/** An int64 given as a number or a protobufjs `Long`-like object. */
function toInt(value: unknown, field: string): number {
  if (typeof value === "number") return value;
  if (typeof value === "object" && value !== null && "toNumber" in value) {
    return (value as { toNumber(): number }).toNumber();
  }
  throw new TypeError(`ONNX field ${field} needs an integer, got ${typeof value}`);
}

function writeScalar(w: ProtoWriter, kind: Kind, value: unknown, field: string): void {
  if (kind === "int64") w.int64(toInt(value, field));
  else if (kind === "float") w.float(value as number);
  else if (kind === "double") w.double(value as number);
  else if (kind === "string") w.bytes(utf8Encoder.encode(value as string));
  else if (kind === "bytes") w.bytes(value as Uint8Array);
  else w.bytes(encodeMessage(value as Message, kind));
}

function wireOf(kind: Kind): number {
  if (kind === "int64") return WIRE_VARINT;
  if (kind === "float") return WIRE_FIXED32;
  if (kind === "double") return WIRE_FIXED64;
  return WIRE_LENGTH;
}

function encodeMessage(message: Message, schema: Schema): Uint8Array {
  const w = new ProtoWriter();
  for (const { no, name, kind, repeated } of schema) {
    const value = message[name];
    if (value === undefined || value === null) continue;
    if (!repeated) {
      w.tag(no, wireOf(kind));
      writeScalar(w, kind, value, name);
      continue;
    }
    const items = value as readonly unknown[];
    if (items.length === 0) continue;
    if (kind === "int64" || kind === "float" || kind === "double") {
      // proto3 packs repeated numbers into one length-delimited field.
      const packed = new ProtoWriter();
      for (const item of items) writeScalar(packed, kind, item, name);
      w.tag(no, WIRE_LENGTH);
      w.bytes(packed.finish());
    } else {
      for (const item of items) {
        w.tag(no, WIRE_LENGTH);
        writeScalar(w, kind, item, name);
      }
    }
  }
  return w.finish();
}

function readScalar(r: ProtoReader, kind: Kind): unknown {
  if (kind === "int64") return r.varint();
  if (kind === "float") return r.float();
  if (kind === "double") return r.double();
  const { start, end } = r.lengthDelimited();
  if (kind === "string") return utf8Decoder.decode(r.buf.subarray(start, end));
  if (kind === "bytes") return r.buf.subarray(start, end);
  return decodeMessage(r.buf, start, end, kind, 0);
}

/** Sub-messages nest at most this deep (graphs in attributes in graphs …): a bound for hostile input. */
const MAX_DEPTH = 64;

function decodeMessage(buf: Uint8Array, start: number, end: number, schema: Schema, depth: number): Message {
  if (depth > MAX_DEPTH) throw new ProtoDecodeError(`messages nested more than ${MAX_DEPTH} deep`);
  const r = new ProtoReader(buf, start, end);
  const out: Message = {};
  for (const field of schema) if (field.repeated) out[field.name] = [];
  while (!r.done()) {
    const key = r.varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (no === 0) throw new ProtoDecodeError(`invalid field number 0 at offset ${r.pos}`);
    const field = schema.find((candidate) => candidate.no === no);
    if (field === undefined) {
      r.skip(wire);
      continue;
    }
    const { name, kind, repeated } = field;
    const expected = wireOf(kind);
    if (repeated && wire === WIRE_LENGTH && expected !== WIRE_LENGTH) {
      // Packed numbers.
      const { start: s, end: e } = r.lengthDelimited();
      const inner = new ProtoReader(buf, s, e);
      const items = out[name] as unknown[];
      while (!inner.done()) items.push(readScalar(inner, kind));
      continue;
    }
    if (wire !== expected) {
      throw new ProtoDecodeError(`field ${name} (${no}) has wire type ${wire}, expected ${expected}`);
    }
    const value = typeof kind === "string" ? readScalar(r, kind) : readNested(r, kind, depth);
    if (repeated) (out[name] as unknown[]).push(value);
    else out[name] = value;
  }
  return out;
}

function readNested(r: ProtoReader, schema: Schema, depth: number): Message {
  const { start, end } = r.lengthDelimited();
  return decodeMessage(r.buf, start, end, schema, depth + 1);
}

export const onnx = {
  ModelProto: {
    create(properties: OnnxTypes.IModelProto): OnnxTypes.IModelProto {
      return { ...properties };
    },
    encode(message: OnnxTypes.IModelProto): { finish(): Uint8Array } {
      const bytes = encodeMessage(message as Message, Model);
      return { finish: () => bytes };
    },
    /** Throws a {@link ProtoDecodeError} on bytes that are not a ModelProto. */
    decode(bytes: Uint8Array): OnnxTypes.ModelProto {
      return decodeMessage(bytes, 0, bytes.length, Model, 0) as unknown as OnnxTypes.ModelProto;
    },
  },
  StringStringEntryProto: {
    create(properties: OnnxTypes.IStringStringEntryProto): OnnxTypes.IStringStringEntryProto {
      return { ...properties };
    },
  },
  AttributeProto: {
    AttributeType: {
      UNDEFINED: 0,
      FLOAT: 1,
      INT: 2,
      STRING: 3,
      TENSOR: 4,
      GRAPH: 5,
      FLOATS: 6,
      INTS: 7,
      STRINGS: 8,
      TENSORS: 9,
      GRAPHS: 10,
    },
  },
  TensorProto: {
    DataType: {
      UNDEFINED: 0,
      FLOAT: 1,
      UINT8: 2,
      INT8: 3,
      UINT16: 4,
      INT16: 5,
      INT32: 6,
      INT64: 7,
      STRING: 8,
      BOOL: 9,
      FLOAT16: 10,
      DOUBLE: 11,
      UINT32: 12,
      UINT64: 13,
    },
    DataLocation: { DEFAULT: 0, EXTERNAL: 1 },
  },
} as const;
