import {
  type ForwardResult,
  HostTensor,
  hasCellState,
  type Model,
  type ModelSpec,
  type RecurrentState,
  RnnlmError,
  ShapeError,
  type StateInit,
  sizeOf,
  type Tensor,
  type TimeMajorIds,
  validateWeights,
  type Weights,
  withTiedDecoder,
} from "@rnnlm/core";
import { exportOnnx } from "./export-onnx.js";
import { ONNX_IO } from "./onnx-io.js";
import type { OrtEngine } from "./ort-engine.js";
import type { OrtSession, OrtTensor } from "./ort-types.js";

/** Float32 copies of validated weights, both keys present when tied. */
function float32Copy(spec: ModelSpec, weights: Weights): Weights {
  validateWeights(spec, weights);
  const out: Weights = {};
  for (const [name, w] of Object.entries(withTiedDecoder(spec, weights))) {
    out[name] = { shape: [...w.shape], data: new Float32Array(w.data) };
  }
  return out;
}

function outputOf(outputs: Record<string, OrtTensor>, name: string): HostTensor<"float32"> {
  const t = outputs[name];
  if (t === undefined || !(t.data instanceof Float32Array)) {
    throw new RnnlmError("ERR_ONNX_RUNTIME", `ONNX Runtime returned no float32 output "${name}"`);
  }
  return new HostTensor<"float32">(t.data, t.dims);
}

/**
 * A {@link Model} running on ONNX Runtime. The session is stateless: the state travels
 * through the graph's `h0`/`c0` inputs and `hn`/`cn` outputs. Tensors it returns live in
 * host memory ({@link HostTensor}).
 */
export class OnnxModel implements Model {
  private weights: Weights;
  private session: OrtSession | null;

  private constructor(
    readonly spec: ModelSpec,
    readonly backendId: string,
    private readonly engine: OrtEngine,
    weights: Weights,
    session: OrtSession,
  ) {
    this.weights = weights;
    this.session = session;
  }

  /** Builds the ONNX graph of `spec` with `weights` in memory and opens a session on `engine`. */
  static async create(spec: ModelSpec, weights: Weights, engine: OrtEngine, backendId: string): Promise<OnnxModel> {
    const copy = float32Copy(spec, weights);
    const session = await engine.createSession(exportOnnx(spec, copy));
    return new OnnxModel(spec, backendId, engine, copy, session);
  }

  private live(): OrtSession {
    if (this.session === null) throw new RnnlmError("ERR_DISPOSED", `this ${this.backendId} model was disposed`);
    return this.session;
  }

  private stateSize(batch: number): number {
    return this.spec.numLayers * batch * this.spec.hiddenSize;
  }

  beginState(batch: number, init?: StateInit): RecurrentState {
    if (!Number.isInteger(batch) || batch < 1) throw new ShapeError(`batch must be a positive integer, got ${batch}`);
    const shape = [this.spec.numLayers, batch, this.spec.hiddenSize];
    const n = this.stateSize(batch);
    const make = (values: Float32Array | undefined, name: string): HostTensor<"float32"> => {
      if (values === undefined) return new HostTensor<"float32">(new Float32Array(n), shape);
      if (values.length !== n) {
        throw new ShapeError(`initial state ${name} needs layers·batch·hidden = ${n} values, got ${values.length}`);
      }
      return new HostTensor<"float32">(values.slice(), shape);
    };
    const h = make(init?.h, "h");
    if (!hasCellState(this.spec.cell)) return { h };
    return { h, c: make(init?.c, "c") };
  }

  private async stateInput(tensor: Tensor<"float32"> | undefined, name: string, batch: number): Promise<Float32Array> {
    const { numLayers: L, hiddenSize: H } = this.spec;
    if (tensor === undefined) throw new ShapeError(`an ${this.spec.cell} model needs state.${name}; use beginState()`);
    const shape = tensor.shape;
    if (shape.length !== 3 || shape[0] !== L || shape[1] !== batch || shape[2] !== H) {
      throw new ShapeError(`state.${name} has shape [${shape.join(", ")}], expected [${L}, ${batch}, ${H}]`);
    }
    const data = await tensor.data();
    return data instanceof Float32Array ? data : Float32Array.from(data);
  }

  async forward(input: TimeMajorIds, state: RecurrentState): Promise<ForwardResult> {
    const session = this.live();
    const { steps, batch, ids } = input;
    const V = this.spec.vocabSize;
    if (!Number.isInteger(steps) || steps < 0 || !Number.isInteger(batch) || batch < 1) {
      throw new ShapeError(`forward needs steps ≥ 0 and batch ≥ 1 (integers), got steps ${steps}, batch ${batch}`);
    }
    if (ids.length !== steps * batch) {
      throw new ShapeError(`input of ${steps} steps × ${batch} rows needs ${steps * batch} ids, got ${ids.length}`);
    }
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (id < 0 || id >= V)
        throw new ShapeError(`token id ${id} at position ${i} is outside the vocabulary [0, ${V})`);
    }
    const lstm = hasCellState(this.spec.cell);
    const h = await this.stateInput(state.h, "h", batch);
    const c = lstm ? await this.stateInput(state.c, "c", batch) : undefined;
    const stateShape = [this.spec.numLayers, batch, this.spec.hiddenSize];
    if (steps === 0) {
      const next: RecurrentState = { h: new HostTensor<"float32">(h.slice(), stateShape) };
      return {
        logits: new HostTensor<"float32">(new Float32Array(0), [0, V]),
        state: c === undefined ? next : { ...next, c: new HostTensor<"float32">(c.slice(), stateShape) },
      };
    }
    const feeds: Record<string, OrtTensor> = {
      [ONNX_IO.ids]: this.engine.int32(ids, [steps, batch]),
      [ONNX_IO.h0]: this.engine.float32(h, stateShape),
    };
    if (c !== undefined) feeds[ONNX_IO.c0] = this.engine.float32(c, stateShape);
    const out = await this.engine.run(session, feeds);
    const logits = outputOf(out, ONNX_IO.logits);
    if (logits.shape[0] !== steps * batch || logits.shape[1] !== V || sizeOf(logits.shape) !== steps * batch * V) {
      throw new RnnlmError("ERR_ONNX_RUNTIME", `ONNX Runtime returned logits of shape [${logits.shape.join(", ")}]`);
    }
    const hn = outputOf(out, ONNX_IO.hn);
    return { logits, state: lstm ? { h: hn, c: outputOf(out, ONNX_IO.cn) } : { h: hn } };
  }

  async getWeights(): Promise<Weights> {
    this.live();
    const out: Weights = {};
    for (const [name, w] of Object.entries(this.weights)) out[name] = { shape: [...w.shape], data: w.data.slice() };
    return out;
  }

  /** Replaces the weights: rebuilds the graph and opens a new session. */
  async setWeights(weights: Weights): Promise<void> {
    const old = this.live();
    const copy = float32Copy(this.spec, weights);
    const session = await this.engine.createSession(exportOnnx(this.spec, copy));
    this.weights = copy;
    this.session = session;
    await this.engine.release(old);
  }

  dispose(): void {
    const session = this.session;
    this.session = null;
    if (session !== null) void this.engine.release(session).catch(() => undefined);
  }
}
