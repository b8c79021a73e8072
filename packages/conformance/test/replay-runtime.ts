import type { BackendRuntime, Model, RecurrentState, StateInit, TrainableModel, Weights } from "@rnnlm/core";
import { HostTensor } from "@rnnlm/core/backend";
import type { ConformanceCase } from "../src/index.js";

/**
 * A fake runtime that replays a case's expected values as a float32 backend would return
 * them, optionally scaling one element of one named output (to prove the checks catch it).
 */
export function replayRuntime(
  c: ConformanceCase,
  perturb?: { what: string; index: number; factor: number },
): BackendRuntime {
  const shape = [c.spec.numLayers, c.batch.batch, c.spec.hiddenSize];
  const f32 = (what: string, data: ArrayLike<number>): Float32Array => {
    const out = Float32Array.from(data);
    if (perturb?.what === what) out[perturb.index] *= perturb.factor;
    return out;
  };
  const state = (): RecurrentState => {
    const h = new HostTensor<"float32">(f32("hn", c.expected.hn), shape);
    return c.expected.cn === null ? { h } : { h, c: new HostTensor<"float32">(f32("cn", c.expected.cn), shape) };
  };
  const tensors = (prefix: string, values: Record<string, Float64Array>, shapes: Weights): Weights =>
    Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, { shape: shapes[k].shape, data: f32(`${prefix}${k}`, v) }]),
    );
  let calls = 0;
  const model: TrainableModel = {
    spec: c.spec,
    backendId: "replay:cpu",
    training: c.training,
    learningRate: 0,
    beginState(batch: number, init?: StateInit): RecurrentState {
      const h = new HostTensor<"float32">(init?.h ?? new Float32Array(batch), shape);
      return init?.c === undefined ? { h } : { h, c: new HostTensor<"float32">(init.c, shape) };
    },
    async forward() {
      const V = c.spec.vocabSize;
      return {
        logits: new HostTensor<"float32">(f32("logits", c.expected.logits), [c.expected.logits.length / V, V]),
        state: state(),
      };
    },
    async getWeights() {
      return tensors("updated.", c.expected.updated, c.weights);
    },
    async setWeights() {},
    dispose() {},
    async trainStep() {
      const step = c.expected.trainSteps[calls++];
      return {
        loss: step.loss * (perturb?.what === "loss" ? perturb.factor : 1),
        gradNorm: step.gradNorm,
        state: state(),
      };
    },
    async evaluate() {
      return { loss: c.expected.loss, state: state() };
    },
    async gradients() {
      return { loss: c.expected.loss, grads: tensors("grad.", c.expected.grads, c.weights), state: state() };
    },
    setLearningRate() {},
    async getOptimizerState() {
      return {};
    },
    async setOptimizerState() {},
    getRandomState: () => ({ words: [], spareNormal: null }),
    setRandomState() {},
  };
  return {
    backend: "replay",
    device: "cpu",
    id: "replay:cpu",
    capabilities: ["train", "infer"],
    description: "replays expected values",
    async createModel(): Promise<Model> {
      return model;
    },
    async createTrainableModel(): Promise<TrainableModel> {
      calls = 0;
      return model;
    },
  };
}
