import {
  type ForwardResult,
  type Model,
  type ModelSpec,
  type RecurrentState,
  RnnlmError,
  type StateInit,
  type Tensor,
  type TimeMajorIds,
  type Weights,
} from "@rnnlm/core";
import {
  beginHostState,
  checkForwardInput,
  checkNotDisposed,
  checkState,
  emptyForward,
  HostTensor,
  hasCellState,
  sizeOf,
  stateShape,
  validateWeights,
  withTiedDecoder,
} from "@rnnlm/core/backend";
import { exportOnnx } from "../format/export-onnx.js";
import { ONNX_IO } from "../format/onnx-io.js";
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

/** A state tensor's values as float32 (a copy only when they are not float32 already). */
export async function float32Data(tensor: Tensor): Promise<Float32Array> {
  const data = await tensor.data();
  return data instanceof Float32Array ? data : Float32Array.from(data);
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
    checkNotDisposed(this.session === null, this.backendId);
    return this.session as OrtSession;
  }

  beginState(batch: number, init?: StateInit): RecurrentState {
    this.live();
    return beginHostState(this.spec, batch, init);
  }

  async forward(input: TimeMajorIds, state: RecurrentState): Promise<ForwardResult> {
    const session = this.live();
    checkForwardInput(this.spec, input);
    const { steps, batch, ids } = input;
    if (steps === 0) return emptyForward(this.spec, state, batch);
    checkState(this.spec, state, batch);
    const V = this.spec.vocabSize;
    const shape = stateShape(this.spec, batch);
    const feeds: Record<string, OrtTensor> = {
      [ONNX_IO.ids]: this.engine.int32(ids, [steps, batch]),
      [ONNX_IO.h0]: this.engine.float32(await float32Data(state.h), shape),
    };
    if (state.c !== undefined) feeds[ONNX_IO.c0] = this.engine.float32(await float32Data(state.c), shape);
    const out = await this.engine.run(session, feeds);
    const logits = outputOf(out, ONNX_IO.logits);
    if (logits.shape[0] !== steps * batch || logits.shape[1] !== V || sizeOf(logits.shape) !== steps * batch * V) {
      throw new RnnlmError("ERR_ONNX_RUNTIME", `ONNX Runtime returned logits of shape [${logits.shape.join(", ")}]`);
    }
    const hn = outputOf(out, ONNX_IO.hn);
    return { logits, state: hasCellState(this.spec.cell) ? { h: hn, c: outputOf(out, ONNX_IO.cn) } : { h: hn } };
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
