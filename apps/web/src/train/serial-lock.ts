/**
 * Runs jobs one at a time in call order. The training worker puts every ONNX Runtime call
 * (a training step, a validation pass, a generation, an export) through one lock, so a
 * generation asked for mid-training runs between two steps and never against a step's weights.
 */
export class SerialLock {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(job: () => Promise<T>): Promise<T> {
    const result = this.tail.then(job, job);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
