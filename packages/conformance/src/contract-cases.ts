import {
  type BackendRuntime,
  CheckpointError,
  disposeState,
  type Model,
  ModelDisposedError,
  type ModelSpec,
  NonFiniteLossError,
  parseModelSpec,
  parseTrainingOptions,
  type RecurrentState,
  type RnnlmError,
  ShapeError,
  SpecError,
  type TimeMajorBatch,
  type TrainableModel,
  type TrainingOptions,
  type Weights,
} from "@rnnlm/core";
import { HostTensor, optimizerBufferLayout } from "@rnnlm/core/backend";

/** The error classes a contract case may expect, by the `name` they give their errors. */
const ERROR_CLASSES = {
  ShapeError,
  SpecError,
  CheckpointError,
  ModelDisposedError,
  NonFiniteLossError,
} as const;
export type ContractErrorName = keyof typeof ERROR_CLASSES;

/** LSTM (so states carry `c`), two layers, V 5, H 3, batch 2 unless a case says otherwise. */
export const CONTRACT_LSTM: ModelSpec = parseModelSpec({
  cell: "lstm",
  vocabSize: 5,
  hiddenSize: 3,
  embeddingSize: 2,
  numLayers: 2,
});
export const CONTRACT_GRU: ModelSpec = parseModelSpec({ cell: "gru", vocabSize: 5, hiddenSize: 3, embeddingSize: 2 });
const ADAM: TrainingOptions = parseTrainingOptions({ optimizer: { type: "adam", lr: 0.01 }, clip: 1, seed: 1 });
const MOMENTUM: TrainingOptions = parseTrainingOptions({ optimizer: { type: "sgd", lr: 0.1, momentum: 0.9 }, seed: 1 });

/** What a case is given: a fresh model (trainable when the case needs training) and its spec. */
export interface ContractContext {
  readonly spec: ModelSpec;
  readonly model: Model;
  /** Present when the case `needs: "train"`. */
  readonly trainable?: TrainableModel;
  readonly runtime: BackendRuntime;
}

export interface ContractCase {
  readonly name: string;
  /** "infer": `createModel`; "train": `createTrainableModel` with `training` (default Adam). */
  readonly needs: "infer" | "train";
  readonly spec?: ModelSpec;
  readonly training?: TrainingOptions;
  /** The call under test; for an "ok" case it also checks what came back (throwing an Error). */
  readonly act: (ctx: ContractContext) => unknown;
  /** The error every backend must throw (class and code), or "ok". */
  readonly expected: ContractErrorName | "ok";
}

const ids = (...values: number[]) => Int32Array.from(values);
const batchOf = (x: number[], y: number[], steps: number, batch: number): TimeMajorBatch => ({
  x: ids(...x),
  y: ids(...y),
  steps,
  batch,
});
const GOOD = batchOf([0, 1, 2, 3], [1, 2, 3, 4], 2, 2);

async function withState<R>(model: Model, batch: number, run: (state: RecurrentState) => Promise<R>): Promise<R> {
  const state = model.beginState(batch);
  try {
    return await run(state);
  } finally {
    disposeState(state);
  }
}

async function optimizerStateOf(ctx: ContractContext): Promise<Weights> {
  return (ctx.trainable as TrainableModel).getOptimizerState();
}

function train(ctx: ContractContext): TrainableModel {
  if (ctx.trainable === undefined) throw new Error("internal: a train case ran without a trainable model");
  return ctx.trainable;
}

/** Equal values, NaN equal to NaN (a poisoned weight must come back as it went in). */
function expectSameTensors(what: string, expected: Weights, actual: Weights): void {
  const keys = Object.keys(expected).sort();
  if (Object.keys(actual).sort().join(",") !== keys.join(",")) throw new Error(`${what}: the keys changed`);
  for (const key of keys) {
    const a = actual[key].data;
    const e = expected[key].data;
    for (let i = 0; i < e.length; i++) {
      if (!(a[i] === e[i] || (Number.isNaN(a[i]) && Number.isNaN(e[i])))) {
        throw new Error(`${what}: ${key}[${i}] changed from ${e[i]} to ${a[i]}`);
      }
    }
  }
}

/**
 * A training step whose loss is not finite, from weights with `decoder.bias[column]` set to
 * `value`: it must throw (the suite checks `NonFiniteLossError`) and leave the weights and the
 * optimizer state (Adam's step included) exactly as they were.
 */
async function nonFiniteStep(ctx: ContractContext, column: number, value: number): Promise<void> {
  const model = train(ctx);
  const weights = await model.getWeights();
  const bias = Float32Array.from(weights["decoder.bias"].data);
  bias[column] = value;
  await model.setWeights({ ...weights, "decoder.bias": { shape: weights["decoder.bias"].shape, data: bias } });
  const before = await model.getWeights();
  const optimizerBefore = await model.getOptimizerState();
  let thrown: unknown;
  try {
    await withState(model, 2, (s) => model.trainStep(GOOD, s));
  } catch (error) {
    thrown = error;
  }
  if (thrown === undefined) return;
  expectSameTensors("weights after the refused step", before, await model.getWeights());
  expectSameTensors("optimizer state after the refused step", optimizerBefore, await model.getOptimizerState());
  throw thrown;
}

/**
 * The edges of the Model contract, data-driven: every backend must answer each case the same
 * way — the same error class and `code`, or the same result.
 */
export const CONTRACT_CASES: readonly ContractCase[] = [
  {
    name: "forward: a negative id",
    needs: "infer",
    expected: "ShapeError",
    act: ({ model }) => withState(model, 2, (s) => model.forward({ ids: ids(0, -1), steps: 1, batch: 2 }, s)),
  },
  {
    name: "forward: an id equal to the vocabulary size",
    needs: "infer",
    expected: "ShapeError",
    act: ({ model }) => withState(model, 2, (s) => model.forward({ ids: ids(0, 5), steps: 1, batch: 2 }, s)),
  },
  {
    name: "forward: fewer ids than steps × batch",
    needs: "infer",
    expected: "ShapeError",
    act: ({ model }) => withState(model, 2, (s) => model.forward({ ids: ids(0, 1, 2), steps: 2, batch: 2 }, s)),
  },
  {
    name: "forward: negative steps",
    needs: "infer",
    expected: "ShapeError",
    act: ({ model }) => withState(model, 2, (s) => model.forward({ ids: ids(), steps: -1, batch: 2 }, s)),
  },
  {
    name: "forward: fractional steps",
    needs: "infer",
    expected: "ShapeError",
    act: ({ model }) => withState(model, 2, (s) => model.forward({ ids: ids(0, 1), steps: 0.5, batch: 4 }, s)),
  },
  {
    name: "forward: batch 0",
    needs: "infer",
    expected: "ShapeError",
    act: ({ model }) => withState(model, 2, (s) => model.forward({ ids: ids(), steps: 1, batch: 0 }, s)),
  },
  {
    name: "beginState: batch 0",
    needs: "infer",
    expected: "ShapeError",
    act: ({ model }) => {
      model.beginState(0);
    },
  },
  {
    name: "beginState: initial h of the wrong length",
    needs: "infer",
    expected: "ShapeError",
    act: ({ model }) => {
      model.beginState(2, { h: new Float32Array(5), c: new Float32Array(12) });
    },
  },
  {
    name: "beginState: c given to a gru",
    needs: "infer",
    spec: CONTRACT_GRU,
    expected: "ShapeError",
    act: ({ model }) => {
      model.beginState(2, { h: new Float32Array(6), c: new Float32Array(6) });
    },
  },
  {
    name: "beginState: given values are copied, c included",
    needs: "infer",
    expected: "ok",
    act: async ({ model }) => {
      const h = Float32Array.from({ length: 12 }, (_, i) => i / 10);
      const c = Float32Array.from({ length: 12 }, (_, i) => -i / 10);
      const state = model.beginState(2, { h, c });
      h.fill(9);
      try {
        expectEqual("h", state.h.shape, [2, 2, 3], await state.h.data(), (i) => i / 10);
        if (state.c === undefined) throw new Error("an lstm state must have c");
        expectEqual("c", state.c.shape, [2, 2, 3], await state.c.data(), (i) => -i / 10);
      } finally {
        disposeState(state);
      }
    },
  },
  {
    name: "forward: a state of the wrong batch",
    needs: "infer",
    expected: "ShapeError",
    act: ({ model }) => withState(model, 3, (s) => model.forward({ ids: ids(0, 1), steps: 1, batch: 2 }, s)),
  },
  {
    name: "forward: a state of the wrong rank",
    needs: "infer",
    expected: "ShapeError",
    act: async ({ model }) => {
      const flat = HostTensor.float32(new Float32Array(12), [12]);
      await model.forward({ ids: ids(0, 1), steps: 1, batch: 2 }, { h: flat, c: flat });
    },
  },
  {
    name: "forward: an lstm state without c",
    needs: "infer",
    expected: "ShapeError",
    act: async ({ model }) => {
      const h = HostTensor.float32(new Float32Array(12), [2, 2, 3]);
      await model.forward({ ids: ids(0, 1), steps: 1, batch: 2 }, { h });
    },
  },
  {
    name: "forward: a gru state with c",
    needs: "infer",
    spec: CONTRACT_GRU,
    expected: "ShapeError",
    act: async ({ model }) => {
      const t = () => HostTensor.float32(new Float32Array(6), [1, 2, 3]);
      await model.forward({ ids: ids(0, 1), steps: 1, batch: 2 }, { h: t(), c: t() });
    },
  },
  {
    name: "forward: steps 0 gives logits (0, V) and a copy of the state",
    needs: "infer",
    expected: "ok",
    act: async ({ model }) => {
      const h = Float32Array.from({ length: 12 }, (_, i) => i + 1);
      const c = Float32Array.from({ length: 12 }, (_, i) => -(i + 1));
      const state = model.beginState(2, { h, c });
      const out = await model.forward({ ids: ids(), steps: 0, batch: 2 }, state);
      try {
        if (out.logits.shape.length !== 2 || out.logits.shape[0] !== 0 || out.logits.shape[1] !== 5) {
          throw new Error(`steps 0: logits have shape [${out.logits.shape.join(", ")}], expected [0, 5]`);
        }
        if (out.state.h === state.h || out.state.c === state.c) throw new Error("steps 0: the state must be a copy");
        expectEqual("h", out.state.h.shape, [2, 2, 3], await out.state.h.data(), (i) => i + 1);
        if (out.state.c === undefined) throw new Error("steps 0: an lstm state must keep c");
        expectEqual("c", out.state.c.shape, [2, 2, 3], await out.state.c.data(), (i) => -(i + 1));
      } finally {
        out.logits.dispose();
        disposeState(out.state);
        disposeState(state);
      }
    },
  },
  {
    name: "forward: steps 0 still checks the state",
    needs: "infer",
    expected: "ShapeError",
    act: ({ model }) => withState(model, 3, (s) => model.forward({ ids: ids(), steps: 0, batch: 2 }, s)),
  },
  {
    name: "forward after dispose",
    needs: "infer",
    expected: "ModelDisposedError",
    act: async ({ model }) => {
      const state = model.beginState(2);
      model.dispose();
      try {
        await model.forward({ ids: ids(0, 1), steps: 1, batch: 2 }, state);
      } finally {
        disposeState(state);
      }
    },
  },
  {
    name: "beginState after dispose",
    needs: "infer",
    expected: "ModelDisposedError",
    act: ({ model }) => {
      model.dispose();
      model.beginState(2);
    },
  },
  {
    name: "trainStep: steps 0",
    needs: "train",
    expected: "ShapeError",
    act: (ctx) => withState(ctx.model, 2, (s) => train(ctx).trainStep(batchOf([], [], 0, 2), s)),
  },
  {
    name: "trainStep: a target outside the vocabulary",
    needs: "train",
    expected: "ShapeError",
    act: (ctx) => withState(ctx.model, 2, (s) => train(ctx).trainStep(batchOf([0, 1, 2, 3], [1, 2, 3, 5], 2, 2), s)),
  },
  {
    name: "evaluate: fewer targets than steps × batch",
    needs: "train",
    expected: "ShapeError",
    act: (ctx) => withState(ctx.model, 2, (s) => train(ctx).evaluate(batchOf([0, 1, 2, 3], [1, 2, 3], 2, 2), s)),
  },
  {
    name: "gradients: a state of the wrong batch",
    needs: "train",
    expected: "ShapeError",
    act: (ctx) => withState(ctx.model, 1, (s) => train(ctx).gradients(GOOD, s)),
  },
  {
    name: "trainStep: a NaN loss throws NonFiniteLossError and updates nothing",
    needs: "train",
    expected: "NonFiniteLossError",
    // A NaN decoder bias makes every logit of its column, so every row's loss, NaN.
    act: (ctx) => nonFiniteStep(ctx, 0, Number.NaN),
  },
  {
    name: "trainStep: an infinite loss (finite gradients) throws NonFiniteLossError and updates nothing",
    needs: "train",
    expected: "NonFiniteLossError",
    // Target 1 gets probability 0: log p = −∞, the loss +∞, while softmax − onehot stays finite.
    act: (ctx) => nonFiniteStep(ctx, 1, Number.NEGATIVE_INFINITY),
  },
  {
    name: "setLearningRate: 0",
    needs: "train",
    expected: "SpecError",
    act: (ctx) => train(ctx).setLearningRate(0),
  },
  {
    name: "setLearningRate: negative",
    needs: "train",
    expected: "SpecError",
    act: (ctx) => train(ctx).setLearningRate(-0.1),
  },
  {
    name: "setLearningRate: NaN",
    needs: "train",
    expected: "SpecError",
    act: (ctx) => train(ctx).setLearningRate(Number.NaN),
  },
  {
    name: "getOptimizerState before any step: core's layout, zeros, Adam step 0",
    needs: "train",
    expected: "ok",
    act: async (ctx) => {
      const state = await optimizerStateOf(ctx);
      const layout = optimizerBufferLayout(ctx.spec, ADAM.optimizer);
      const keys = Object.keys(state).sort();
      if (keys.join(",") !== [...layout.keys()].sort().join(",")) {
        throw new Error(`optimizer state keys ${keys.join(", ")}; expected ${[...layout.keys()].join(", ")}`);
      }
      for (const [key, shape] of layout) {
        if (state[key].shape.join(",") !== shape.join(",")) {
          throw new Error(`optimizer buffer ${key} has shape [${state[key].shape.join(", ")}], expected [${shape}]`);
        }
        if (Array.from(state[key].data).some((v) => v !== 0)) throw new Error(`optimizer buffer ${key} is not zero`);
      }
      await train(ctx).setOptimizerState(state);
    },
  },
  {
    name: "setOptimizerState: a foreign optimizer's state (SGD momentum into Adam)",
    needs: "train",
    expected: "CheckpointError",
    act: async (ctx) => {
      const other = await ctx.runtime.createTrainableModel?.(ctx.spec, { training: MOMENTUM, seed: 1 });
      if (other === undefined) throw new Error("internal: runtime cannot train");
      try {
        await withState(other, 2, (s) => other.trainStep(GOOD, s).then((r) => disposeState(r.state)));
        await train(ctx).setOptimizerState(await other.getOptimizerState());
      } finally {
        other.dispose();
      }
    },
  },
  {
    name: "setOptimizerState: a partial state (one buffer missing)",
    needs: "train",
    expected: "CheckpointError",
    act: async (ctx) => {
      const { "exp_avg.decoder.bias": _, ...partial } = await optimizerStateOf(ctx);
      await train(ctx).setOptimizerState(partial);
    },
  },
  {
    name: "setOptimizerState: an empty state for Adam",
    needs: "train",
    expected: "CheckpointError",
    act: (ctx) => train(ctx).setOptimizerState({}),
  },
  {
    name: "setOptimizerState: a buffer of the wrong size",
    needs: "train",
    expected: "CheckpointError",
    act: async (ctx) => {
      const state = await optimizerStateOf(ctx);
      await train(ctx).setOptimizerState({
        ...state,
        "exp_avg_sq.decoder.bias": { shape: [4], data: new Float32Array(4) },
      });
    },
  },
  {
    name: "setOptimizerState: a fractional Adam step",
    needs: "train",
    expected: "CheckpointError",
    act: async (ctx) => {
      const state = await optimizerStateOf(ctx);
      await train(ctx).setOptimizerState({ ...state, step: { shape: [1], data: Float64Array.of(1.5) } });
    },
  },
  {
    name: "setOptimizerState: a negative Adam step",
    needs: "train",
    expected: "CheckpointError",
    act: async (ctx) => {
      const state = await optimizerStateOf(ctx);
      await train(ctx).setOptimizerState({ ...state, step: { shape: [1], data: Float64Array.of(-1) } });
    },
  },
  {
    name: "setOptimizerState: plain SGD takes only the empty state",
    needs: "train",
    training: parseTrainingOptions({ optimizer: { type: "sgd", lr: 0.1 }, seed: 1 }),
    expected: "CheckpointError",
    act: (ctx) => train(ctx).setOptimizerState({ "momentum.decoder.bias": { shape: [5], data: new Float32Array(5) } }),
  },
  {
    name: "trainStep after dispose",
    needs: "train",
    expected: "ModelDisposedError",
    act: async (ctx) => {
      const state = ctx.model.beginState(2);
      ctx.model.dispose();
      try {
        await train(ctx).trainStep(GOOD, state);
      } finally {
        disposeState(state);
      }
    },
  },
];

function expectEqual(
  what: string,
  shape: readonly number[],
  expectedShape: readonly number[],
  values: ArrayLike<number>,
  expected: (i: number) => number,
): void {
  if (shape.join(",") !== expectedShape.join(",")) {
    throw new Error(`state ${what} has shape [${shape.join(", ")}], expected [${expectedShape.join(", ")}]`);
  }
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== Math.fround(expected(i))) {
      throw new Error(`state ${what}[${i}] is ${values[i]}, expected ${Math.fround(expected(i))}`);
    }
  }
}

/**
 * Runs one contract case on a fresh model of `runtime`; throws an Error saying what differed
 * (no error, another class, another code, or a wrong result).
 */
export async function checkContractCase(runtime: BackendRuntime, c: ContractCase): Promise<void> {
  const spec = c.spec ?? CONTRACT_LSTM;
  let ctx: ContractContext;
  if (c.needs === "train") {
    if (runtime.createTrainableModel === undefined) throw new Error(`${runtime.id} cannot train`);
    const trainable = await runtime.createTrainableModel(spec, { training: c.training ?? ADAM, seed: 1 });
    ctx = { spec, model: trainable, trainable, runtime };
  } else {
    ctx = { spec, model: await runtime.createModel(spec, { seed: 1 }), runtime };
  }
  let thrown: unknown;
  try {
    await c.act(ctx);
  } catch (error) {
    thrown = error;
  } finally {
    ctx.model.dispose();
  }
  if (c.expected === "ok") {
    if (thrown !== undefined) throw thrown;
    return;
  }
  const expectedClass = ERROR_CLASSES[c.expected];
  const expectedCode = new expectedClass("probe").code;
  if (thrown === undefined) throw new Error(`${c.name}: expected ${c.expected} (${expectedCode}), nothing was thrown`);
  const error = thrown as Partial<RnnlmError>;
  if (!(thrown instanceof expectedClass) || error.code !== expectedCode) {
    const got = thrown instanceof Error ? `${thrown.name} (${error.code ?? "no code"}): ${thrown.message}` : thrown;
    throw new Error(`${c.name}: expected ${c.expected} (${expectedCode}), got ${String(got)}`);
  }
}
