import { type Dim, intAttr, node, ONNX_IR_VERSION, ONNX_OPSET, valueInfo } from "../format/onnx-nodes.js";
import { type OnnxTypes, onnx } from "../format/onnx-proto.js";
import { doubleInitializer, floatInitializer, int32Initializer, int64Initializer } from "../format/tensor-proto.js";

const A = onnx.AttributeProto.AttributeType;
export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT32 = onnx.TensorProto.DataType.INT32;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const DOUBLE = onnx.TensorProto.DataType.DOUBLE;

/**
 * A small writer of ONNX graphs: each op method adds one node and returns the name of its
 * (first) output, so graph code reads like the algebra it builds. Names are made unique with
 * a counter; constants are deduplicated by value.
 */
export class GraphBuilder {
  private readonly nodes: OnnxTypes.INodeProto[] = [];
  private readonly inputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly outputs: OnnxTypes.IValueInfoProto[] = [];
  private readonly subgraphs: GraphBuilder[] = [];

  /**
   * Names and constants are shared with every subgraph (`subgraph()`): names stay unique across
   * the model (a subgraph must not shadow an outer name) and constants live in the outer graph,
   * which a subgraph reads by name.
   */
  private scope: Scope = { counter: 0, constants: new Map(), inits: [], external: [] };

  /** A builder for the body graph of a `Scan` node or a branch of an `If` node of this graph. */
  subgraph(): GraphBuilder {
    const body = new GraphBuilder();
    body.scope = this.scope;
    this.subgraphs.push(body);
    return body;
  }

  /** A fresh tensor name starting with `hint`. */
  fresh(hint: string): string {
    this.scope.counter += 1;
    return `${hint}#${this.scope.counter}`;
  }

  /** Number of nodes so far, those of subgraphs included. */
  get nodeCount(): number {
    return this.nodes.length + this.subgraphs.reduce((sum, body) => sum + body.nodeCount, 0);
  }

  input(name: string, elemType: number, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  /** Declares `value` as graph output `name` (an Identity when the names differ). */
  output(name: string, value: string, elemType: number, dims: readonly Dim[]): void {
    if (value !== name) this.nodes.push(node("Identity", [value], [name]));
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Adds a node with explicit outputs (several-output ops such as Split). */
  op(opType: string, input: string[], output: string[], attribute: OnnxTypes.IAttributeProto[] = []): string[] {
    this.nodes.push(node(opType, input, output, attribute));
    return output;
  }

  /** Adds a one-output node and returns its output name. */
  op1(opType: string, input: string[], hint: string, attribute: OnnxTypes.IAttributeProto[] = []): string {
    const out = this.fresh(hint);
    this.nodes.push(node(opType, input, [out], attribute));
    return out;
  }

  /** A float32 scalar constant (shape []). */
  scalar(value: number): string {
    return this.constant(`f:${value}`, () => floatInitializer(this.fresh(`c${value}`), [], [value]));
  }

  /** A float64 scalar constant (shape []). */
  double(value: number): string {
    return this.constant(`d:${value}`, () => doubleInitializer(this.fresh(`d${value}`), [], [value]));
  }

  /** `a` converted to element type `to` (`FLOAT`, `DOUBLE`, `INT64`, …). */
  cast(a: string, to: number): string {
    return this.op1("Cast", [a], "cast", [intAttr("to", to)]);
  }

  /** A float32 constant tensor. */
  floats(dims: readonly number[], values: ArrayLike<number>, hint = "const"): string {
    const name = this.fresh(hint);
    this.scope.inits.push(floatInitializer(name, dims, values));
    return name;
  }

  /**
   * A float32 constant named `name` whose values stay outside the encoded model: the session is
   * given them as `externalData` (see {@link externalData}), so a model holding megabytes of
   * weights encodes in milliseconds.
   */
  externalFloats(name: string, dims: readonly number[], values: Float32Array): string {
    const path = `external_${this.scope.external.length}.bin`;
    this.scope.inits.push({
      name,
      dims: [...dims],
      dataType: FLOAT,
      dataLocation: 1, // EXTERNAL
      externalData: [
        { key: "location", value: path },
        { key: "offset", value: "0" },
        { key: "length", value: String(values.byteLength) },
      ],
    });
    this.scope.external.push({ path, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) });
    return name;
  }

  /** The values of every {@link externalFloats} constant, as a session's `externalData` option. */
  get externalData(): readonly ExternalData[] {
    return this.scope.external;
  }

  /** An int64 vector constant (shapes, axes, split sizes). */
  ints(values: readonly number[]): string {
    return this.constant(`i:${values.join(",")}`, () =>
      int64Initializer(this.fresh(`i[${values.join(",")}]`), [values.length], values),
    );
  }

  /** An int64 vector constant named after `hint` (long index lists). */
  indices(values: readonly number[], hint: string): string {
    return this.constant(`idx:${values.join(",")}`, () => int64Initializer(this.fresh(hint), [values.length], values));
  }

  /** An int32 vector constant. */
  int32s(values: readonly number[]): string {
    return this.constant(`i32:${values.join(",")}`, () =>
      int32Initializer(this.fresh(`i32[${values.join(",")}]`), [values.length], values),
    );
  }

  private constant(key: string, make: () => OnnxTypes.ITensorProto): string {
    const known = this.scope.constants.get(key);
    if (known !== undefined) return known;
    const tensor = make();
    this.scope.inits.push(tensor);
    const name = tensor.name ?? key;
    this.scope.constants.set(key, name);
    return name;
  }

  add(a: string, b: string): string {
    return this.op1("Add", [a, b], "add");
  }
  sub(a: string, b: string): string {
    return this.op1("Sub", [a, b], "sub");
  }
  mul(a: string, b: string): string {
    return this.op1("Mul", [a, b], "mul");
  }
  div(a: string, b: string): string {
    return this.op1("Div", [a, b], "div");
  }
  sigmoid(a: string): string {
    return this.op1("Sigmoid", [a], "sigmoid");
  }
  tanh(a: string): string {
    return this.op1("Tanh", [a], "tanh");
  }
  relu(a: string): string {
    return this.op1("Relu", [a], "relu");
  }
  matmul(a: string, b: string): string {
    return this.op1("MatMul", [a, b], "matmul");
  }
  transpose(a: string): string {
    return this.op1("Transpose", [a], "transpose", [intsAttr("perm", [1, 0])]);
  }
  /** `a·bᵀ + c` (`Gemm` with transB = 1), or `a·b + c`. */
  gemm(a: string, b: string, c: string | null, transB: boolean): string {
    const inputs = c === null ? [a, b] : [a, b, c];
    return this.op1("Gemm", inputs, "gemm", transB ? [intAttr("transB", 1)] : []);
  }
  /** `aᵀ·b` (`Gemm` with transA = 1). */
  gemmTransA(a: string, b: string): string {
    return this.op1("Gemm", [a, b], "gemm_ta", [intAttr("transA", 1)]);
  }
  concat(parts: readonly string[], axis: number): string {
    if (parts.length === 1) return parts[0];
    return this.op1("Concat", [...parts], "concat", [intAttr("axis", axis)]);
  }
  /** Splits `a` along `axis` into `count` equal parts, or into the given `sizes`. */
  split(a: string, axis: number, count: number, sizes?: readonly number[]): string[] {
    if (count === 1) return [a];
    const outs = Array.from({ length: count }, () => this.fresh("split"));
    const inputs = sizes === undefined ? [a] : [a, this.ints(sizes)];
    return this.op("Split", inputs, outs, [intAttr("axis", axis)]);
  }
  reshape(a: string, shape: readonly number[]): string {
    return this.op1("Reshape", [a, this.ints(shape)], "reshape");
  }
  /**
   * Sum over axis 0 of a (rows, C) tensor, dropping it, as a row of ones times `a`: ORT's MatMul
   * with one row (MLAS's GEMV) read a 400 × 10,000 gradient in 153 µs, ReduceSum over axis 0 in 384.
   */
  sumRows(a: string, rows: number): string {
    const summed = this.matmul(this.floats([1, rows], new Float32Array(rows).fill(1), "ones"), a);
    return this.op1("Reshape", [summed, this.ints([-1])], "rowsum");
  }
  /**
   * Σ a² over every element of a float32 tensor of `rank`, as a float64 scalar: the sum over
   * everything carries no float32 drift (a float32 sum over millions of values was
   * measured 1e-3 low on ORT's WASM kernels).
   */
  sumSquares64(a: string, rank: number): string {
    if (rank !== 2) return this.op1("ReduceSumSquare", [this.cast(a, DOUBLE)], "sumsq", [intAttr("keepdims", 0)]);
    // A matrix's rows are summed in float32 first (a few hundred terms each: error at float32
    // rounding), and only the row sums cast: casting a 10,000 × 200 decoder gradient to float64
    // and reducing it took 8 % of a Zaremba-small step.
    const rows = this.op1("ReduceSumSquare", [a], "rowsumsq", [intsAttr("axes", [1]), intAttr("keepdims", 0)]);
    return this.op1("ReduceSum", [this.cast(rows, DOUBLE)], "sumsq", [intAttr("keepdims", 0)]);
  }
  gather(data: string, indices: string): string {
    return this.op1("Gather", [data, indices], "gather", [intAttr("axis", 0)]);
  }
  /** `a` times a scalar/tensor constant `value`. */
  scale(a: string, value: number): string {
    return this.mul(a, this.scalar(value));
  }
  /** float32 zeros of `shape`. */
  zeros(shape: readonly number[]): string {
    return this.op1("ConstantOfShape", [this.ints(shape)], "zeros");
  }
  /** `value − a`. */
  rsub(value: number, a: string): string {
    return this.sub(this.scalar(value), a);
  }

  /**
   * A `Scan` node running `body` (from `subgraph()`) over `inputs`: the initial values of the
   * body's first `inputs.length − scanInputs` inputs (its state), then the scanned tensors, sliced
   * along axis 0, forward or, where `reverse`, from the last slice to the first. Returns the final
   * state, then each scan output stacked along axis 0 (in slice order either way).
   */
  scan(body: GraphBuilder, inputs: readonly string[], scanInputs: number, reverse: boolean): string[] {
    const scanOutputs = body.outputs.length - (inputs.length - scanInputs);
    const outputs = body.outputs.map(() => this.fresh("scan"));
    const directions = (count: number) => new Array<number>(count).fill(reverse ? 1 : 0);
    const attributes: OnnxTypes.IAttributeProto[] = [
      intAttr("num_scan_inputs", scanInputs),
      { name: "body", type: A.GRAPH, g: body.graph(this.fresh("scan_body")) },
      intsAttr("scan_input_directions", directions(scanInputs)),
      intsAttr("scan_output_directions", directions(scanOutputs)),
    ];
    return this.op("Scan", [...inputs], outputs, attributes);
  }

  /**
   * An `If` node: the outputs of `thenBranch` where the bool scalar `cond` holds, else those of
   * `elseBranch` (both from `subgraph()`, no inputs, the same outputs); only the branch taken runs.
   */
  ifElse(cond: string, thenBranch: GraphBuilder, elseBranch: GraphBuilder): string[] {
    const outputs = thenBranch.outputs.map(() => this.fresh("if"));
    return this.op("If", [cond], outputs, [
      { name: "then_branch", type: A.GRAPH, g: thenBranch.graph(this.fresh("then")) },
      { name: "else_branch", type: A.GRAPH, g: elseBranch.graph(this.fresh("else")) },
    ]);
  }

  private graph(name: string): OnnxTypes.IGraphProto {
    return { name, node: this.nodes, input: this.inputs, output: this.outputs };
  }

  /** A self-contained ModelProto (IR 8, opset 17), encoded. */
  encode(name: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: ONNX_IR_VERSION,
      opsetImport: [{ domain: "", version: ONNX_OPSET }],
      producerName: "rnnlm-train",
      graph: { ...this.graph(name), initializer: this.scope.inits },
    });
    const encoded = onnx.ModelProto.encode(model).finish();
    const bytes = new Uint8Array(encoded.length);
    bytes.set(encoded);
    return bytes;
  }
}

/** One file of a session's in-memory `externalData`. */
export interface ExternalData {
  readonly path: string;
  readonly data: Uint8Array;
}

/** What a graph shares with its subgraphs. */
interface Scope {
  counter: number;
  readonly constants: Map<string, string>;
  readonly inits: OnnxTypes.ITensorProto[];
  readonly external: ExternalData[];
}

/** An INTS attribute. */
function intsAttr(name: string, ints: readonly number[]): OnnxTypes.IAttributeProto {
  return { name, type: A.INTS, ints: [...ints] };
}

/** A STRING attribute. */
export function stringAttr(name: string, value: string): OnnxTypes.IAttributeProto {
  return { name, type: A.STRING, s: new TextEncoder().encode(value) };
}

export { intAttr };
