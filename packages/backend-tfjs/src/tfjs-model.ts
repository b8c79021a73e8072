import type { ForwardResult, Model, ModelSpec, RecurrentState, StateInit, TimeMajorIds, Weights } from "@rnnlm/core";
import { hasCellState, parameterNames, ShapeError, validateWeights, withTiedDecoder } from "@rnnlm/core";
import * as tf from "@tensorflow/tfjs-core";
import { activate, type LoadedDevice } from "./devices.js";
import { runNetwork } from "./network.js";
import { toCanonical, toInternal } from "./parameter-layout.js";
import { TfjsTensor, toTf } from "./tfjs-tensor.js";

/** State tensors ready for {@link runNetwork}, with the copies to free afterwards. */
export interface StateTensors {
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
  release(): void;
}

/** Checks ids are whole numbers in [0, vocab) and the count is steps × batch. */
export function checkIds(ids: Int32Array, steps: number, batch: number, vocab: number, what: string): void {
  if (!Number.isInteger(steps) || !Number.isInteger(batch) || steps < 1 || batch < 1) {
    throw new ShapeError(`${what}: steps (${steps}) and batch (${batch}) must be positive integers`);
  }
  if (ids.length !== steps * batch) {
    throw new ShapeError(`${what}: ${ids.length} ids, but steps × batch = ${steps} × ${batch} = ${steps * batch}`);
  }
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id < 0 || id >= vocab) {
      throw new ShapeError(
        `${what}: id ${id} at position ${i} is outside the vocabulary [0, ${vocab}); check the vocabulary the data was encoded with`,
      );
    }
  }
}

/** An inference model on one tfjs device. Parameters live on the device, in the layout of parameter-layout.ts. */
export class TfjsModel implements Model {
  readonly spec: ModelSpec;
  readonly backendId: string;
  protected readonly device: LoadedDevice;
  protected params: Map<string, tf.Tensor> = new Map();
  private disposed = false;

  constructor(spec: ModelSpec, device: LoadedDevice, weights: Weights) {
    this.spec = spec;
    this.device = device;
    this.backendId = `tfjs:${device.device}`;
    this.loadWeights(weights);
  }

  /** Makes this model's device tfjs's active backend (tfjs has one global backend). */
  protected enter(): void {
    if (this.disposed) throw new Error(`this ${this.backendId} model was disposed; create a new one`);
    activate(this.device.tfBackend);
  }

  private loadWeights(weights: Weights): void {
    validateWeights(this.spec, weights);
    activate(this.device.tfBackend);
    const next = new Map<string, tf.Tensor>();
    for (const name of parameterNames(this.spec)) next.set(name, toInternal(name, weights[name]));
    for (const t of this.params.values()) t.dispose();
    this.params = next;
  }

  beginState(batch: number, init?: StateInit): RecurrentState {
    this.enter();
    const { numLayers: L, hiddenSize: H } = this.spec;
    if (!Number.isInteger(batch) || batch < 1)
      throw new ShapeError(`beginState: batch must be a positive integer, got ${batch}`);
    const size = L * batch * H;
    const shape: [number, number, number] = [L, batch, H];
    const lstm = hasCellState(this.spec.cell);
    const make = (values: Float32Array | undefined, what: string): TfjsTensor => {
      if (values === undefined) return new TfjsTensor(tf.zeros(shape, "float32"));
      if (values.length !== size) {
        throw new ShapeError(
          `beginState: init.${what} holds ${values.length} values, (layers, batch, hidden) = (${L}, ${batch}, ${H}) needs ${size}`,
        );
      }
      return new TfjsTensor(tf.tensor3d(values, shape, "float32"));
    };
    if (!lstm && init?.c !== undefined)
      throw new ShapeError(`beginState: init.c given, but a ${this.spec.cell} model has no cell state`);
    const h = make(init?.h, "h");
    return lstm ? { h, c: make(init?.c, "c") } : { h };
  }

  /** The state's tensors on this device, shape-checked. */
  protected stateTensors(state: RecurrentState, batch: number): StateTensors {
    const shape = [this.spec.numLayers, batch, this.spec.hiddenSize];
    const h = toTf(state.h, shape, "state.h");
    let c: { tensor: tf.Tensor; copied: boolean } | null = null;
    if (hasCellState(this.spec.cell)) {
      if (state.c === undefined) throw new ShapeError("state.c is missing: an LSTM state has h and c (use beginState)");
      c = toTf(state.c, shape, "state.c");
    }
    return {
      h: h.tensor,
      c: c?.tensor ?? null,
      release() {
        if (h.copied) h.tensor.dispose();
        if (c?.copied) c.tensor.dispose();
      },
    };
  }

  async forward(input: TimeMajorIds, state: RecurrentState): Promise<ForwardResult> {
    this.enter();
    checkIds(input.ids, input.steps, input.batch, this.spec.vocabSize, "forward");
    const st = this.stateTensors(state, input.batch);
    try {
      const out = tf.tidy(() => {
        const run = runNetwork(this.spec, this.params, {
          ids: input.ids,
          targets: null,
          steps: input.steps,
          batch: input.batch,
          h: st.h,
          c: st.c,
          masks: null,
          record: false,
        });
        return run.c === null ? { logits: run.logits, h: run.h } : { logits: run.logits, h: run.h, c: run.c };
      });
      const next: RecurrentState =
        out.c === undefined ? { h: new TfjsTensor(out.h) } : { h: new TfjsTensor(out.h), c: new TfjsTensor(out.c) };
      return { logits: new TfjsTensor(out.logits), state: next };
    } finally {
      st.release();
    }
  }

  /** Reads the named stored tensors back in canonical layout. */
  protected async readCanonical(tensors: ReadonlyMap<string, tf.Tensor>): Promise<Weights> {
    const out: Weights = {};
    for (const [name, t] of tensors) out[name] = toCanonical(name, (await t.data()) as Float32Array, t.shape);
    return out;
  }

  async getWeights(): Promise<Weights> {
    this.enter();
    return withTiedDecoder(this.spec, await this.readCanonical(this.params));
  }

  async setWeights(weights: Weights): Promise<void> {
    this.enter();
    this.loadWeights(weights);
  }

  dispose(): void {
    if (this.disposed) return;
    for (const t of this.params.values()) t.dispose();
    this.params.clear();
    this.disposed = true;
  }
}
