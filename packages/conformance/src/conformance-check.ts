import { type BackendRuntime, disposeState, type RecurrentState } from "@rnnlm/core";
import { canonicalWeightShapes, hasCellState, parameterNames } from "@rnnlm/core/backend";
import { type CompareOptions, expectClose } from "./compare.js";
import type { ConformanceCase, TrainingRunCase } from "./conformance-case.js";

/** What a case checks: the forward pass, raw gradients, and full training steps. */
export type ConformancePart = "forward" | "gradients" | "trainStep" | "trainingRun";
export const CONFORMANCE_PARTS: readonly ConformancePart[] = ["forward", "gradients", "trainStep", "trainingRun"];

/** Largest error allowed per check, in the metric of {@link compareArrays}. */
export interface ConformanceTolerances {
  /** Logits and final states. */
  readonly forward: number;
  /** Mean loss from `evaluate`, `gradients` and `trainStep`. */
  readonly loss: number;
  /** Every gradient, and `trainStep`'s gradNorm. */
  readonly gradients: number;
  /** Every weight after the training steps. */
  readonly trainStep: number;
  /**
   * Training runs: the change of every weight since the start (w_k − w_0) after each step,
   * against the float64 run's change (see `checkTrainingRun`).
   */
  readonly trainingRun: number;
}

/**
 * Defaults for a float32 backend. `trainingRun` 2e-3 (on the change of each weight since the
 * start, floor 10% of the largest change): a float32 backend stores the weights in float32 after
 * every step, so after k steps each carries up to k half-ulps of |w| on top of float32 gradients.
 * On the shipped runs that storage rounding alone measured 2.3e-5–1.03e-3 — the same on tfjs:wasm,
 * tfjs:cpu, onnx:cpu at 1 and 2 threads and onnx:wasm, i.e. it is rounding, not arithmetic — so
 * 2e-3 leaves a factor 2. A wrong clipping rule, optimizer step, dropout mask or carried state
 * gives errors of order 1e-1–1.
 */
export const FP32_TOLERANCES: ConformanceTolerances = {
  forward: 1e-5,
  loss: 1e-5,
  gradients: 1e-4,
  trainStep: 1e-4,
  trainingRun: 2e-3,
};

/** Why `runtime` cannot run `part` at all (no "infer" or no "train"), or undefined. */
export function unsupportedReason(runtime: BackendRuntime, part: ConformancePart): string | undefined {
  if (part === "forward") return runtime.capabilities.includes("infer") ? undefined : `${runtime.id} cannot infer`;
  if (!runtime.capabilities.includes("train") || runtime.createTrainableModel === undefined) {
    return `${runtime.id} cannot train`;
  }
  return undefined;
}

/**
 * Runs one part of one case against `runtime`; throws an Error naming the tensor, its
 * error, the tolerance and the worst element when a check fails.
 * - forward: `createModel` → `beginState(batch, case state)` → `forward`: logits, h (and c).
 * - gradients: `createTrainableModel` → `evaluate` and `gradients` losses, every gradient.
 * - trainStep: `trainSteps` calls of `trainStep`, each from the case's initial state: each
 *   call's loss and gradNorm, then every weight from `getWeights()` (both keys when tied).
 */
export async function checkConformanceCase(
  runtime: BackendRuntime,
  c: ConformanceCase,
  part: ConformancePart,
  tolerances: Partial<ConformanceTolerances> = {},
  compare: CompareOptions = {},
): Promise<void> {
  const tol: ConformanceTolerances = { ...FP32_TOLERANCES, ...tolerances };
  if (part === "forward") await checkForward(runtime, c, tol, compare);
  else if (part === "gradients") await checkGradients(runtime, c, tol, compare);
  else await checkTrainStep(runtime, c, tol, compare);
}

function layout(c: ConformanceCase): number[] {
  return [c.spec.numLayers, c.batch.batch, c.spec.hiddenSize];
}

async function checkForward(
  runtime: BackendRuntime,
  c: ConformanceCase,
  tol: ConformanceTolerances,
  cmp: CompareOptions,
): Promise<void> {
  const model = await runtime.createModel(c.spec, { weights: c.weights });
  try {
    const state = model.beginState(c.batch.batch, c.state);
    const out = await model.forward({ ids: c.batch.x, steps: c.batch.steps, batch: c.batch.batch }, state);
    try {
      const rows = c.batch.steps * c.batch.batch;
      expectShape("logits", out.logits.shape, [rows, c.spec.vocabSize]);
      expectClose("logits", await out.logits.data(), c.expected.logits, tol.forward, {
        ...cmp,
        shape: [rows, c.spec.vocabSize],
      });
      await checkState(c, out.state, tol.forward, cmp);
    } finally {
      out.logits.dispose();
      disposeState(out.state);
      disposeState(state);
    }
  } finally {
    model.dispose();
  }
}

async function checkState(
  c: ConformanceCase,
  state: RecurrentState,
  tolerance: number,
  cmp: CompareOptions,
): Promise<void> {
  const shape = layout(c);
  expectShape("state h", state.h.shape, shape);
  expectClose("state h", await state.h.data(), c.expected.hn, tolerance, { ...cmp, shape });
  if (hasCellState(c.spec.cell)) {
    if (state.c === undefined) throw new Error("an lstm must return state c");
    expectShape("state c", state.c.shape, shape);
    expectClose("state c", await state.c.data(), c.expected.cn ?? new Float64Array(0), tolerance, { ...cmp, shape });
  }
}

async function checkGradients(
  runtime: BackendRuntime,
  c: ConformanceCase,
  tol: ConformanceTolerances,
  cmp: CompareOptions,
): Promise<void> {
  const model = await trainable(runtime, c);
  try {
    const state = model.beginState(c.batch.batch, c.state);
    try {
      const evaluated = await model.evaluate(c.batch, state);
      disposeState(evaluated.state);
      expectClose("evaluate loss", [evaluated.loss], [c.expected.loss], tol.loss, cmp);
      const result = await model.gradients(c.batch, state);
      disposeState(result.state);
      expectClose("gradients loss", [result.loss], [c.expected.loss], tol.loss, cmp);
      const names = parameterNames(c.spec);
      const extra = Object.keys(result.grads).filter((n) => !names.includes(n));
      if (extra.length > 0)
        throw new Error(`gradients has unexpected keys ${extra.join(", ")} (expected ${names.join(", ")})`);
      const shapes = new Map(canonicalWeightShapes(c.spec));
      for (const name of names) {
        const g = result.grads[name];
        if (g === undefined) throw new Error(`gradients is missing "${name}"`);
        const shape = shapes.get(name) ?? [];
        expectShape(`grad ${name}`, g.shape, shape);
        expectClose(`grad ${name}`, g.data, c.expected.grads[name], tol.gradients, { ...cmp, shape });
      }
    } finally {
      disposeState(state);
    }
  } finally {
    model.dispose();
  }
}

async function checkTrainStep(
  runtime: BackendRuntime,
  c: ConformanceCase,
  tol: ConformanceTolerances,
  cmp: CompareOptions,
): Promise<void> {
  const model = await trainable(runtime, c);
  try {
    for (let i = 0; i < c.trainSteps; i++) {
      const state = model.beginState(c.batch.batch, c.state);
      try {
        const result = await model.trainStep(c.batch, state);
        disposeState(result.state);
        const expected = c.expected.trainSteps[i];
        expectClose(`trainStep ${i + 1} loss`, [result.loss], [expected.loss], tol.loss, cmp);
        expectClose(`trainStep ${i + 1} gradNorm`, [result.gradNorm], [expected.gradNorm], tol.gradients, cmp);
      } finally {
        disposeState(state);
      }
    }
    const weights = await model.getWeights();
    const shapes = new Map(canonicalWeightShapes(c.spec));
    for (const [name, shape] of shapes) {
      const w = weights[name];
      if (w === undefined)
        throw new Error(`getWeights() after trainStep is missing "${name}" (tied models return both keys)`);
      expectShape(`updated ${name}`, w.shape, shape);
      expectClose(`updated ${name}`, w.data, c.expected.updated[name], tol.trainStep, { ...cmp, shape });
    }
  } finally {
    model.dispose();
  }
}

/**
 * Runs a training run on `runtime`: `createTrainableModel` with the run's weights, then one
 * `trainStep` per window, the state starting at zero (`beginState`) and each step starting from
 * the state the previous one returned. After every step: the loss and gradNorm, and every weight
 * twice — the weight itself (`trainStep` tolerance) and its change since the start (`trainingRun`
 * tolerance; the change is what clipping and the optimizer produce, so it shows their errors
 * undiluted by the weight's size). Returns the worst change error seen, for reports.
 */
export async function checkTrainingRun(
  runtime: BackendRuntime,
  run: TrainingRunCase,
  tolerances: Partial<ConformanceTolerances> = {},
  cmp: CompareOptions = {},
): Promise<number> {
  const tol: ConformanceTolerances = { ...FP32_TOLERANCES, ...tolerances };
  if (runtime.createTrainableModel === undefined) throw new Error(`${runtime.id} cannot train`);
  const model = await runtime.createTrainableModel(run.spec, { weights: run.weights, training: run.training });
  const shapes = new Map(canonicalWeightShapes(run.spec));
  let worst = 0;
  try {
    let state = model.beginState(run.windows[0].batch);
    try {
      for (const [k, window] of run.windows.entries()) {
        const result = await model.trainStep(window, state);
        disposeState(state);
        state = result.state;
        const step = `step ${k + 1}`;
        const expected = run.expected.steps[k];
        expectClose(`${step} loss`, [result.loss], [expected.loss], tol.loss, cmp);
        expectClose(`${step} gradNorm`, [result.gradNorm], [expected.gradNorm], tol.gradients, cmp);
        const weights = await model.getWeights();
        for (const [name, shape] of shapes) {
          const w = weights[name];
          if (w === undefined) throw new Error(`getWeights() after ${step} is missing "${name}"`);
          expectShape(`${step} ${name}`, w.shape, shape);
          const want = run.expected.weights[k][name];
          expectClose(`${step} ${name}`, w.data, want, tol.trainStep, { ...cmp, shape });
          const w0 = run.weights[name].data;
          const change = Float64Array.from(w.data, (v, i) => v - w0[i]);
          const wantChange = Float64Array.from(want, (v, i) => v - w0[i]);
          const c = expectClose(`${step} change of ${name}`, change, wantChange, tol.trainingRun, { ...cmp, shape });
          worst = Math.max(worst, c.maxError);
        }
      }
    } finally {
      disposeState(state);
    }
  } finally {
    model.dispose();
  }
  return worst;
}

async function trainable(runtime: BackendRuntime, c: ConformanceCase) {
  if (runtime.createTrainableModel === undefined) throw new Error(`${runtime.id} cannot train`);
  return runtime.createTrainableModel(c.spec, { weights: c.weights, training: c.training });
}

function expectShape(name: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new Error(`${name} has shape [${actual.join(", ")}], expected [${expected.join(", ")}]`);
  }
}
