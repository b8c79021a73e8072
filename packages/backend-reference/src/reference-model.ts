import {
  type ForwardResult,
  type Model,
  type ModelSpec,
  type RecurrentState,
  ShapeError,
  type StateInit,
  type TimeMajorIds,
  type Weights,
} from "@rnnlm/core";
import {
  beginHostState,
  canonicalWeightShapes,
  checkForwardInput,
  checkNotDisposed,
  checkState,
  emptyForward,
  HostTensor,
  hasCellState,
  noDropout,
  parameterNames,
  stateShape,
  validateWeights,
  withTiedDecoder,
} from "@rnnlm/core/backend";
import { forwardPass } from "./forward.js";
import type { Parameters } from "./parameters.js";

/** Float64 results of {@link ReferenceModel.forward64}. */
export interface Forward64Result {
  /** (steps·batch, V), time-major rows. */
  readonly logits: Float64Array;
  /** (layers, batch, H). */
  readonly h: Float64Array;
  /** (layers, batch, H), LSTM only. */
  readonly c: Float64Array | null;
}

/** Initial states in float64, (layers, batch, H) row-major. */
export interface State64 {
  readonly h: Float64Array;
  readonly c: Float64Array | null;
}

/**
 * The float64 reference model: readable forward pass over time-major ids, canonical
 * PyTorch weights held in float64. Tensors it hands out are float32 (the {@link Model}
 * contract); {@link forward64} gives the float64 values.
 */
export class ReferenceModel implements Model {
  readonly spec: ModelSpec;
  readonly backendId = "reference:cpu";
  protected params: Parameters = {};
  private disposed = false;

  constructor(spec: ModelSpec, weights: Weights) {
    this.spec = spec;
    this.loadWeights(weights);
  }

  beginState(batch: number, init?: StateInit): RecurrentState {
    this.checkAlive();
    return beginHostState(this.spec, batch, init);
  }

  async forward(input: TimeMajorIds, state: RecurrentState): Promise<ForwardResult> {
    this.checkAlive();
    checkForwardInput(this.spec, input);
    if (input.steps === 0) return emptyForward(this.spec, state, input.batch);
    const s = this.readState(state, input.batch);
    const out = this.forward64(input, s);
    return {
      logits: new HostTensor<"float32">(Float32Array.from(out.logits), [
        input.steps * input.batch,
        this.spec.vocabSize,
      ]),
      state: this.toState(out.h, out.c, input.batch),
    };
  }

  /** The forward pass in float64 from float64 states (no dropout): what the fixtures record. */
  forward64(input: TimeMajorIds, state: State64): Forward64Result {
    this.checkAlive();
    checkForwardInput(this.spec, input);
    this.checkState64(state, input.batch);
    const trace = forwardPass(
      this.spec,
      this.params,
      input.ids,
      input.steps,
      input.batch,
      state.h,
      state.c,
      noDropout<Float64Array>(this.spec),
    );
    return { logits: trace.logits, h: trace.h, c: trace.c };
  }

  /** Canonical weights as float64 copies (both `encoder.weight` and `decoder.weight` when tied). */
  async getWeights(): Promise<Weights> {
    this.checkAlive();
    const shapes = new Map(canonicalWeightShapes(this.spec));
    const out: Weights = {};
    for (const name of parameterNames(this.spec)) {
      out[name] = { shape: shapes.get(name) ?? [], data: this.params[name].slice() };
    }
    return withTiedDecoder(this.spec, out);
  }

  /** Accepts float32 or float64 canonical weights (tied: `decoder.weight` absent or equal). */
  async setWeights(weights: Weights): Promise<void> {
    this.checkAlive();
    this.loadWeights(weights);
  }

  dispose(): void {
    this.disposed = true;
    this.params = {};
  }

  private loadWeights(weights: Weights): void {
    validateWeights(this.spec, weights);
    const params: Parameters = {};
    for (const name of parameterNames(this.spec)) params[name] = Float64Array.from(weights[name].data);
    this.params = params;
  }

  protected checkAlive(): void {
    checkNotDisposed(this.disposed, this.backendId);
  }

  /** Reads a float32 state into float64 after core's shape check. */
  protected readState(state: RecurrentState, batch: number): State64 {
    this.checkAlive();
    checkState(this.spec, state, batch);
    return {
      h: Float64Array.from(state.h.dataSync()),
      c: state.c === undefined ? null : Float64Array.from(state.c.dataSync()),
    };
  }

  private checkState64(state: State64, batch: number): void {
    const n = this.spec.numLayers * batch * this.spec.hiddenSize;
    const lstm = hasCellState(this.spec.cell);
    if (state.h.length !== n || (lstm && state.c?.length !== n) || (!lstm && state.c !== null)) {
      throw new ShapeError(
        `state must be h${lstm ? " and c" : ""} of (layers ${this.spec.numLayers}, batch ${batch}, hidden ${this.spec.hiddenSize}) = ${n} values each`,
      );
    }
  }

  protected toState(h: Float64Array, c: Float64Array | null, batch: number): RecurrentState {
    const shape = stateShape(this.spec, batch);
    const hT = new HostTensor<"float32">(Float32Array.from(h), shape);
    return c === null ? { h: hT } : { h: hT, c: new HostTensor<"float32">(Float32Array.from(c), shape) };
  }
}
