import {
  noDropout,
  canonicalWeightShapes,
  type ForwardResult,
  HostTensor,
  hasCellState,
  type Model,
  type ModelSpec,
  parameterNames,
  type RecurrentState,
  ShapeError,
  type StateInit,
  type TimeMajorIds,
  validateWeights,
  type Weights,
  withTiedDecoder,
} from "@rnnlm/core";
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
    if (!Number.isInteger(batch) || batch <= 0) throw new ShapeError(`batch must be a positive integer, got ${batch}`);
    const shape = [this.spec.numLayers, batch, this.spec.hiddenSize];
    const n = shape[0] * shape[1] * shape[2];
    const lstm = hasCellState(this.spec.cell);
    const take = (values: Float32Array | undefined, which: string): Float32Array => {
      if (values === undefined) return new Float32Array(n);
      if (values.length !== n) {
        throw new ShapeError(
          `initial state ${which} holds ${values.length} values; (layers ${shape[0]}, batch ${batch}, hidden ${shape[2]}) needs ${n}`,
        );
      }
      return Float32Array.from(values);
    };
    if (init?.c !== undefined && !lstm) {
      throw new ShapeError(`initial state has "c" but a ${this.spec.cell} cell carries only "h"; drop "c"`);
    }
    const h = new HostTensor<"float32">(take(init?.h, "h"), shape);
    return lstm ? { h, c: new HostTensor<"float32">(take(init?.c, "c"), shape) } : { h };
  }

  async forward(input: TimeMajorIds, state: RecurrentState): Promise<ForwardResult> {
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
    this.checkIds(input.ids, input.steps, input.batch, "input ids");
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
    if (this.disposed) throw new Error("this reference model was disposed; create a new one");
  }

  /** Checks `steps · batch` ids, each in [0, V). */
  protected checkIds(ids: Int32Array, steps: number, batch: number, what: string): void {
    if (!Number.isInteger(steps) || steps <= 0 || !Number.isInteger(batch) || batch <= 0) {
      throw new ShapeError(`${what}: steps (${steps}) and batch (${batch}) must be positive integers`);
    }
    if (ids.length !== steps * batch) {
      throw new ShapeError(
        `${what}: ${ids.length} ids for steps ${steps} × batch ${batch} = ${steps * batch}; ids are time-major, ids[t·batch + b]`,
      );
    }
    const V = this.spec.vocabSize;
    for (let i = 0; i < ids.length; i++) {
      if (!(ids[i] >= 0 && ids[i] < V)) {
        throw new ShapeError(
          `${what}: id ${ids[i]} at position ${i} is outside the vocabulary [0, ${V}); was the model built for another vocabulary?`,
        );
      }
    }
  }

  /** Reads a float32 state into float64, checking its shape against (layers, batch, H). */
  protected readState(state: RecurrentState, batch: number): State64 {
    this.checkAlive();
    const expected = [this.spec.numLayers, batch, this.spec.hiddenSize];
    const check = (shape: readonly number[], which: string) => {
      if (shape.length !== 3 || shape.some((d, i) => d !== expected[i])) {
        throw new ShapeError(
          `state ${which} has shape [${shape.join(", ")}], expected [${expected.join(", ")}] (layers, batch, hidden); use beginState(${batch})`,
        );
      }
    };
    check(state.h.shape, "h");
    const lstm = hasCellState(this.spec.cell);
    if (lstm && state.c === undefined) throw new ShapeError('an lstm state needs "c" as well as "h"; use beginState()');
    if (!lstm && state.c !== undefined) {
      throw new ShapeError(`state has "c" but a ${this.spec.cell} cell carries only "h"; use beginState()`);
    }
    if (state.c !== undefined) check(state.c.shape, "c");
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
    const shape = [this.spec.numLayers, batch, this.spec.hiddenSize];
    const hT = new HostTensor<"float32">(Float32Array.from(h), shape);
    return c === null ? { h: hT } : { h: hT, c: new HostTensor<"float32">(Float32Array.from(c), shape) };
  }
}
