import {
  type ForwardResult,
  type GreedyStepsResult,
  type Model,
  type ModelSpec,
  type RecurrentState,
  RnnlmError,
  ShapeError,
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
  checkTokenIds,
  emptyForward,
  HostTensor,
  hasCellState,
  sizeOf,
  stateShape,
  validateWeights,
  withTiedDecoder,
} from "@rnnlm/core/backend";
import { exportOnnx } from "../format/export-onnx.js";
import { buildGreedyModel, GREEDY_IO } from "../format/greedy-graph.js";
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
 * Devices whose models get {@link OnnxModel.greedySteps}: ORT's CPU kernels, where a session
 * call costs more than a small model's step. (On CUDA and WebGPU a Loop would shuttle every
 * step's state between host and device kernels.)
 */
const GREEDY_LOOP_BACKENDS: readonly string[] = ["onnx:cpu", "onnx:wasm"];

/**
 * A {@link Model} running on ONNX Runtime. The session is stateless: the state travels
 * through the graph's `h0`/`c0` inputs and `hn`/`cn` outputs. Tensors it returns live in
 * host memory ({@link HostTensor}).
 */
export class OnnxModel implements Model {
  private weights: Weights;
  private session: OrtSession | null;
  /** The greedy Loop model's session, opened on first use and dropped when the weights change. */
  private greedySession: Promise<OrtSession> | null = null;
  readonly greedySteps?: (first: number, count: number, state: RecurrentState) => Promise<GreedyStepsResult>;

  private constructor(
    readonly spec: ModelSpec,
    readonly backendId: string,
    private readonly engine: OrtEngine,
    weights: Weights,
    session: OrtSession,
  ) {
    this.weights = weights;
    this.session = session;
    if (GREEDY_LOOP_BACKENDS.includes(backendId)) this.greedySteps = (f, n, s) => this.runGreedySteps(f, n, s);
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

  /** `count` greedy steps in one ORT call (see core's `Model.greedySteps`). */
  private async runGreedySteps(first: number, count: number, state: RecurrentState): Promise<GreedyStepsResult> {
    this.live();
    if (!Number.isInteger(count) || count < 1) {
      throw new ShapeError(`greedySteps: count must be a positive integer, got ${count}`);
    }
    checkTokenIds(this.spec, Int32Array.of(first), 1, 1, "greedySteps first token");
    checkState(this.spec, state, 1);
    if (this.greedySession === null) {
      // One intra-op thread: a batch-1 step is a few matrix-vector products, too small to split;
      // on 2 cores the char LSTM-256 ran ~2.5× faster than with 2 threads (bench/generation.mjs).
      const options = this.backendId === "onnx:cpu" ? { intraOpNumThreads: 1 } : {};
      const opening = this.engine.createSession(buildGreedyModel(this.spec, this.weights), options);
      this.greedySession = opening;
      // A session that failed to open is not kept: the next call tries again.
      opening.catch(() => {
        if (this.greedySession === opening) this.greedySession = null;
      });
    }
    const session = await this.greedySession;
    const shape = stateShape(this.spec, 1);
    const feeds: Record<string, OrtTensor> = {
      [GREEDY_IO.first]: this.engine.int32(Int32Array.of(first), [1, 1]),
      [GREEDY_IO.count]: this.engine.int64(BigInt64Array.of(BigInt(count)), []),
      [GREEDY_IO.h0]: this.engine.float32(await float32Data(state.h), shape),
    };
    if (state.c !== undefined) feeds[GREEDY_IO.c0] = this.engine.float32(await float32Data(state.c), shape);
    const out = await this.engine.run(session, feeds);
    const tokens = out[GREEDY_IO.tokens];
    if (tokens === undefined || !(tokens.data instanceof Int32Array) || tokens.data.length !== count) {
      throw new RnnlmError("ERR_ONNX_RUNTIME", `ONNX Runtime returned no ${count} int32 greedy tokens`);
    }
    const logits = outputOf(out, GREEDY_IO.logits).dataSync();
    const hn = outputOf(out, GREEDY_IO.hn);
    const next = hasCellState(this.spec.cell) ? { h: hn, c: outputOf(out, GREEDY_IO.cn) } : { h: hn };
    return { ids: tokens.data, state: next, logits };
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
    await this.dropGreedySession();
  }

  private async dropGreedySession(): Promise<void> {
    const greedy = this.greedySession;
    this.greedySession = null;
    if (greedy !== null) await this.engine.release(await greedy);
  }

  dispose(): void {
    const session = this.session;
    this.session = null;
    if (session !== null) void this.engine.release(session).catch(() => undefined);
    void this.dropGreedySession().catch(() => undefined);
  }
}
