import type { ModelSpec } from "@rnnlm/core";
import type { DropoutMasks } from "@rnnlm/core/backend";
import type * as tf from "@tensorflow/tfjs-core";
import { backwardNetwork } from "./backward.js";
import { crossEntropy } from "./cross-entropy.js";
import type { Derive } from "./derived-tensors.js";
import { forwardNetwork } from "./forward.js";

/** Stored parameters keyed by canonical name (tied: no `decoder.weight`, it is `encoder.weight`). */
export type ParameterTensors = ReadonlyMap<string, tf.Tensor>;

export interface NetworkInput {
  /** Token ids, time-major (T·B). */
  readonly ids: Int32Array;
  /** Targets, time-major (T·B), or null for a forward pass without loss. */
  readonly targets: Int32Array | null;
  readonly steps: number;
  readonly batch: number;
  /** (layers, batch, hidden). */
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
  readonly masks: DropoutMasks | null;
  /** Keep what backward needs. */
  readonly record: boolean;
  /** Where parameter-only tensors come from (default: made every call; see derived-tensors.ts). */
  readonly derive?: Derive;
}

export interface NetworkRun {
  /** (T·B, V), time-major rows. */
  readonly logits: tf.Tensor;
  /** Mean cross-entropy, when targets were given. */
  readonly loss: tf.Scalar | null;
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
  /** d loss / d parameter keyed like the parameters; null unless recorded with targets. */
  readonly backward: (() => Map<string, tf.Tensor>) | null;
}

/**
 * The whole model as a function of its parameters, with a hand-written backward pass: the
 * forward pass (`forward.ts`), the loss (`cross-entropy.ts`) and backpropagation
 * (`backward.ts`), mirroring the reference backend's files and backend-onnx's training graph.
 * Must run inside `tf.tidy`: it disposes nothing itself.
 */
export function runNetwork(spec: ModelSpec, params: ParameterTensors, input: NetworkInput): NetworkRun {
  const trace = forwardNetwork(spec, params, input);
  const { logits, h, c } = trace;
  const targets = input.targets;
  if (targets === null) return { logits, loss: null, h, c, backward: null };
  const { loss, logProbs } = crossEntropy(logits, targets, spec.vocabSize);
  if (!input.record) return { logits, loss, h, c, backward: null };
  return { logits, loss, h, c, backward: () => backwardNetwork(spec, params, trace, logProbs, targets) };
}
