import type { ForwardResult, Model, ModelSpec, RecurrentState, StateInit, TimeMajorIds, Weights } from "@rnnlm/core";
import {
  checkForwardInput,
  checkNotDisposed,
  checkState,
  emptyForward,
  initialStateValues,
  parameterNames,
  stateShape,
  validateWeights,
  withTiedDecoder,
} from "@rnnlm/core/backend";
import * as tf from "@tensorflow/tfjs-core";
import { DerivedTensorCache } from "./derived-tensors.js";
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

/** An inference model on one tfjs device. Parameters live on the device, in the layout of parameter-layout.ts. */
export class TfjsModel implements Model {
  readonly spec: ModelSpec;
  readonly backendId: string;
  protected readonly device: LoadedDevice;
  protected params: Map<string, tf.Tensor> = new Map();
  private disposed = false;
  /**
   * Parameter-only tensors (decoder transposed, folded biases, gate blocks) kept between
   * forward calls: generation runs one step per call. Remade when the weights change.
   */
  private readonly derived = new DerivedTensorCache();

  constructor(spec: ModelSpec, device: LoadedDevice, weights: Weights) {
    this.spec = spec;
    this.device = device;
    this.backendId = `tfjs:${device.device}`;
    this.loadWeights(weights);
  }

  /** Makes this model's device tfjs's active backend (tfjs has one global backend). */
  protected enter(): void {
    checkNotDisposed(this.disposed, this.backendId);
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
    const v = initialStateValues(this.spec, batch, init);
    const h = new TfjsTensor(tf.tensor3d(v.h, v.shape, "float32"));
    return v.c === null ? { h } : { h, c: new TfjsTensor(tf.tensor3d(v.c, v.shape, "float32")) };
  }

  /** The state's tensors on this device, after core's shape check. */
  protected stateTensors(state: RecurrentState, batch: number): StateTensors {
    checkState(this.spec, state, batch);
    const shape = stateShape(this.spec, batch);
    const h = toTf(state.h, shape, "state h");
    const c = state.c === undefined ? null : toTf(state.c, shape, "state c");
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
    checkForwardInput(this.spec, input);
    if (input.steps === 0) return emptyForward(this.spec, state, input.batch);
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
          derive: this.derived.derive,
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
    this.derived.dispose();
    this.disposed = true;
  }
}
