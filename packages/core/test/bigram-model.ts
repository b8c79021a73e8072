import { HostTensor } from "../src/backend.js";
import {
  type GradientResult,
  type LossResult,
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  type RandomState,
  type RecurrentState,
  SeededRandom,
  type StateInit,
  type TimeMajorBatch,
  type TimeMajorIds,
  type TrainableModel,
  type TrainingOptions,
  type TrainStepResult,
  type Weights,
} from "../src/index.js";

/**
 * A test double for the loop and generation: logits = table[x] (a bigram model), trained by
 * plain SGD on mean cross-entropy. Its state h (1, B, 1) counts the tokens each row has seen,
 * which shows whether the loop carried or reset it. Independent of any backend.
 */
export class BigramModel implements TrainableModel {
  readonly spec: ModelSpec;
  readonly backendId = "test:bigram";
  readonly training: TrainingOptions;
  table: Float64Array;
  learningRate: number;
  rng: SeededRandom;
  /** h of the state each trainStep started from, first row only. */
  readonly seenStates: number[] = [];

  constructor(vocab: number, lr = 1) {
    this.spec = parseModelSpec({ cell: "rnn_tanh", vocabSize: vocab, hiddenSize: 1 });
    this.training = parseTrainingOptions({ optimizer: { type: "sgd", lr } });
    this.learningRate = lr;
    this.table = new Float64Array(vocab * vocab);
    this.rng = new SeededRandom(1);
  }

  beginState(batch: number, init?: StateInit): RecurrentState {
    return { h: HostTensor.float32(init ? init.h.slice() : new Float32Array(batch), [1, batch, 1]) };
  }

  private run(input: TimeMajorIds, state: RecurrentState) {
    const V = this.spec.vocabSize;
    const logits = new Float32Array(input.ids.length * V);
    for (let i = 0; i < input.ids.length; i++) {
      for (let v = 0; v < V; v++) logits[i * V + v] = this.table[input.ids[i] * V + v];
    }
    const h = state.h.dataSync().slice();
    for (let b = 0; b < input.batch; b++) h[b] += input.steps;
    return { logits, state: { h: HostTensor.float32(h, [1, input.batch, 1]) } };
  }

  async forward(input: TimeMajorIds, state: RecurrentState) {
    const { logits, state: next } = this.run(input, state);
    return { logits: HostTensor.float32(logits, [input.ids.length, this.spec.vocabSize]), state: next };
  }

  async gradients(batch: TimeMajorBatch, state: RecurrentState): Promise<GradientResult> {
    const V = this.spec.vocabSize;
    const { logits, state: next } = this.run({ ids: batch.x, steps: batch.steps, batch: batch.batch }, state);
    const n = batch.x.length;
    const grad = new Float64Array(V * V);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const row = logits.subarray(i * V, (i + 1) * V);
      const max = Math.max(...row);
      let sum = 0;
      for (const l of row) sum += Math.exp(l - max);
      loss += -(row[batch.y[i]] - max - Math.log(sum)) / n;
      for (let v = 0; v < V; v++) {
        grad[batch.x[i] * V + v] += (Math.exp(row[v] - max) / sum - (v === batch.y[i] ? 1 : 0)) / n;
      }
    }
    return { loss, state: next, grads: { table: { shape: [V, V], data: grad } } };
  }

  async evaluate(batch: TimeMajorBatch, state: RecurrentState): Promise<LossResult> {
    const { loss, state: next } = await this.gradients(batch, state);
    return { loss, state: next };
  }

  async trainStep(batch: TimeMajorBatch, state: RecurrentState): Promise<TrainStepResult> {
    this.seenStates.push(state.h.dataSync()[0]);
    const { loss, state: next, grads } = await this.gradients(batch, state);
    const g = grads.table.data;
    for (let i = 0; i < g.length; i++) this.table[i] -= this.learningRate * g[i];
    this.rng.uniform(); // stands in for dropout draws, so resume must restore it
    return { loss, state: next, gradNorm: Math.hypot(...g) };
  }

  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }
  async getWeights(): Promise<Weights> {
    return { table: { shape: [this.spec.vocabSize, this.spec.vocabSize], data: this.table.slice() } };
  }
  async setWeights(weights: Weights): Promise<void> {
    this.table = Float64Array.from(weights.table.data);
  }
  async getOptimizerState(): Promise<Weights> {
    return {};
  }
  async setOptimizerState(): Promise<void> {}
  getRandomState(): RandomState {
    return this.rng.getState();
  }
  setRandomState(state: RandomState): void {
    this.rng = SeededRandom.fromState(state);
  }
  dispose(): void {}
}
