import { type BackendRuntime, disposeState, parseModelSpec, SeededRandom } from "@rnnlm/core";
import { clipCoefficient, sumOfSquares } from "@rnnlm/core/backend";

/** What {@link checkGradNormPrecision} measured. */
export interface GradNormPrecision {
  readonly parameters: number;
  /** The norm `trainStep` reported, and the float64 norm of the same float32 gradients. */
  readonly reported: number;
  readonly float64: number;
  /** |reported − float64| / float64. */
  readonly relativeError: number;
}

/**
 * The clipping norm is exact on a model large enough for a float32 sum to drift: an LSTM with
 * 1.5 M parameters (vocabulary 3,000, embedding and hidden 200, untied). `gradients` gives the
 * float32 gradients; their norm summed in float64 is the truth, and `trainStep` (same weights,
 * same batch, clipping active) must report it to float32 rounding — a float32 running sum over
 * 1.5 M values was measured 1e-4–1e-3 low on WASM kernels. The update must use that norm's
 * coefficient: the embedding row of an id is checked against w − lr·coef·g.
 */
export async function checkGradNormPrecision(runtime: BackendRuntime, tolerance = 1e-6): Promise<GradNormPrecision> {
  if (runtime.createTrainableModel === undefined) throw new Error(`${runtime.id} cannot train`);
  const spec = parseModelSpec({ cell: "lstm", vocabSize: 3000, hiddenSize: 200, embeddingSize: 200, init: "pytorch" });
  const rng = new SeededRandom(7);
  const steps = 4;
  const batch = 2;
  const ids = () => Int32Array.from({ length: steps * batch }, () => rng.int(0, spec.vocabSize - 1));
  const windows = { x: ids(), y: ids(), steps, batch };
  const clip = 1e-3;
  const lr = 1;
  const model = await runtime.createTrainableModel(spec, {
    seed: 3,
    training: { optimizer: { type: "sgd", lr, momentum: 0, weightDecay: 0 }, clip, seed: 0 },
  });
  try {
    const before = await model.getWeights();
    const state = model.beginState(batch);
    const { grads, state: after } = await model.gradients(windows, state);
    disposeState(after);
    const values = Object.values(grads).map((g) => g.data);
    const parameters = values.reduce((n, v) => n + v.length, 0);
    const float64 = Math.sqrt(sumOfSquares(values));
    const step = await model.trainStep(windows, state);
    disposeState(step.state);
    disposeState(state);
    const relativeError = Math.abs(step.gradNorm - float64) / float64;
    if (!(relativeError <= tolerance)) {
      throw new Error(
        `${runtime.id}: trainStep's gradient norm ${step.gradNorm} differs from the float64 norm ${float64} of its ` +
          `${parameters} float32 gradients by ${relativeError.toExponential(2)} (tolerance ${tolerance})`,
      );
    }
    const coef = clipCoefficient(float64, clip);
    const id = windows.x[0];
    const E = spec.embeddingSize ?? 0;
    const w0 = before["encoder.weight"].data;
    const g = grads["encoder.weight"].data;
    const w1 = (await model.getWeights())["encoder.weight"].data;
    let worst = 0;
    let largest = 0;
    for (let j = id * E; j < (id + 1) * E; j++) largest = Math.max(largest, Math.abs(lr * coef * g[j]));
    for (let j = id * E; j < (id + 1) * E; j++) {
      const want = w0[j] - lr * coef * g[j];
      // float32 storage of w leaves half an ulp of |w| (≤ 2^-24·|w|) besides the update's own rounding.
      const slack = 2 ** -24 * Math.abs(w0[j]);
      worst = Math.max(worst, Math.max(0, Math.abs(w1[j] - want) - slack) / largest);
    }
    if (!(worst <= 1e-5)) {
      throw new Error(
        `${runtime.id}: the clipped update of embedding row ${id} is off by ${worst.toExponential(2)} of its size`,
      );
    }
    return { parameters, reported: step.gradNorm, float64, relativeError };
  } finally {
    model.dispose();
  }
}
