import type { OrtModule, OrtSession, OrtSessionOptions, OrtTensor } from "./ort-types.js";

/**
 * One loaded ONNX Runtime with the session options of one device (`cpu`, `cuda`, `wasm`,
 * `webgpu`). Runs are serialised: ONNX Runtime Web cannot run two inferences at once.
 */
export class OrtEngine {
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * @param trainingSpins whether training sessions let idle intra-op threads spin-wait (ORT's
   *   default): a training step is thousands of small ops, and waking sleeping threads for each
   *   cost a d2l GRU step a third of its time on a quiet 2-core machine. Only where every thread
   *   has a core of its own: oversubscribed, spinning threads steal the cores the work needs
   *   (a 2-thread d2l LSTM step went from 25 to 46 ms on a loaded 2-core machine).
   */
  constructor(
    readonly ort: OrtModule,
    readonly sessionOptions: OrtSessionOptions,
    readonly trainingSpins = false,
  ) {}

  /** Opens a session with this device's options, `overrides` replacing some of them. */
  createSession(bytes: Uint8Array, overrides: OrtSessionOptions = {}): Promise<OrtSession> {
    return this.ort.InferenceSession.create(bytes, { ...this.sessionOptions, ...overrides });
  }

  int32(data: Int32Array, dims: readonly number[]): OrtTensor {
    return new this.ort.Tensor("int32", data, dims);
  }

  int64(data: BigInt64Array, dims: readonly number[]): OrtTensor {
    return new this.ort.Tensor("int64", data, dims);
  }

  float32(data: Float32Array, dims: readonly number[]): OrtTensor {
    return new this.ort.Tensor("float32", data, dims);
  }

  /** Runs `session` after every earlier run of this engine has finished. */
  run(session: OrtSession, feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>> {
    const next = this.queue.then(() => session.run(feeds));
    this.queue = next.catch(() => undefined);
    return next as Promise<Record<string, OrtTensor>>;
  }

  /** Releases `session` once the runs queued before this call have finished. */
  release(session: OrtSession): Promise<void> {
    const next = this.queue.then(() => session.release());
    this.queue = next.catch(() => undefined);
    return next;
  }
}
