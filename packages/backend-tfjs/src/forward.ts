import type { ModelSpec } from "@rnnlm/core";
import { hasCellState } from "@rnnlm/core/backend";
import * as tf from "@tensorflow/tfjs-core";
import { Blocks } from "./blocks.js";
import { cellFor } from "./cells/cell-for.js";
import type { CellRun } from "./cells/fused-cell.js";
import { deriveEveryCall } from "./derived-tensors.js";
import type { NetworkInput, ParameterTensors } from "./network.js";

/** Everything the backward pass needs from a forward pass (`ForwardTrace` in the reference). */
export interface NetworkTrace {
  /** Token ids, (T·B) int32. */
  readonly ids: tf.Tensor;
  /** One run per layer, bottom up. */
  readonly runs: readonly CellRun[];
  /** Each layer's input after dropout (what W_ih multiplies), or null for the one-hot first layer. */
  readonly layerInputs: readonly (tf.Tensor | null)[];
  /** The masked one-hot matrix (T·B, V) of a one-hot first layer, else null. */
  readonly oneHotInput: tf.Tensor | null;
  /** Input dropout on the embedding rows, (T·B, E), or null. */
  readonly embeddingMask: tf.Tensor | null;
  /** Dropout on each layer's outputs (between layers, then before the decoder), or null. */
  readonly outputMasks: readonly (tf.Tensor | null)[];
  /** Decoder input: the last layer's outputs after output dropout, (T·B, H). */
  readonly top: tf.Tensor;
  /** `decoder.weight`, or `encoder.weight` when tied. */
  readonly decoderName: string;
  /** (T·B, V), time-major rows. */
  readonly logits: tf.Tensor;
  /** Final states (layers, batch, hidden). */
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
}

export function param(params: ParameterTensors, name: string): tf.Tensor {
  const p = params.get(name);
  if (p === undefined) throw new Error(`internal: parameter ${name} missing`);
  return p;
}

/**
 * The forward pass (`forwardPass` in the reference): the first layer's input (embedding rows
 * or a one-hot matrix, with input dropout), each layer's recurrence with dropout on its
 * outputs, and the decoder's logits. Must run inside `tf.tidy`.
 */
export function forwardNetwork(spec: ModelSpec, params: ParameterTensors, input: NetworkInput): NetworkTrace {
  const { steps, batch, masks, record } = input;
  const rows = steps * batch;
  const V = spec.vocabSize;
  const L = spec.numLayers;
  const cell = cellFor(spec.cell);
  const oneHot = spec.embeddingSize === null;
  const ids = tf.tensor1d(input.ids, "int32");
  const blocks = new Blocks();
  const H = spec.hiddenSize;
  const layersOf = (s: tf.Tensor) => blocks.splitRows(tf.reshape(s, [L * batch, H]), L);
  const h0s = layersOf(input.h);
  const c0s = input.c === null ? null : layersOf(input.c);
  const derive = input.derive ?? deriveEveryCall;

  const layerInputs: (tf.Tensor | null)[] = [];
  let oneHotInput: tf.Tensor | null = null;
  let embeddingMask: tf.Tensor | null = null;
  const runs: CellRun[] = [];
  const outputMasks: (tf.Tensor | null)[] = [];
  let x: tf.Tensor | null = null;

  for (let k = 0; k < L; k++) {
    const wihT = param(params, `rnn.weight_ih_l${k}`);
    const bih = param(params, `rnn.bias_ih_l${k}`);
    const bhhK = param(params, `rnn.bias_hh_l${k}`);
    const [bias] = derive(`l${k}.input_bias`, [bih, bhhK], () => [cell.inputBias(bih, bhhK)]);
    let giAll: tf.Tensor;
    if (k === 0 && oneHot) {
      // one-hot(x)·W_ihᵀ picks row x of W_ihᵀ; input dropout scales it by the mask entry at x.
      // A matmul with the (T·B, V) one-hot matrix: wasm's gather is far slower for many rows.
      const hot = new Float32Array(rows * V);
      for (let i = 0; i < rows; i++) hot[i * V + input.ids[i]] = masks?.input ? masks.input[i * V + input.ids[i]] : 1;
      oneHotInput = tf.tensor2d(hot, [rows, V]);
      giAll = tf.fused.matMul({ a: oneHotInput, b: wihT, bias });
      layerInputs.push(null);
    } else {
      if (k === 0) {
        x = tf.gather(param(params, "encoder.weight"), ids);
        if (masks?.input) {
          embeddingMask = tf.tensor2d(masks.input, [rows, spec.embeddingSize ?? 0]);
          x = tf.mul(x, embeddingMask);
        }
      }
      if (x === null) throw new Error("internal: no layer input");
      giAll = tf.fused.matMul({ a: x, b: wihT, bias });
      layerInputs.push(x);
    }
    const whhT = param(params, `rnn.weight_hh_l${k}`);
    const run = cell.run({
      giAll,
      h0: h0s[k],
      c0: c0s === null ? null : c0s[k],
      whhT,
      whh: () => tf.transpose(whhT),
      bhh: param(params, `rnn.bias_hh_l${k}`),
      steps,
      record,
      blocks,
      derive: (key, sources, make) => derive(`l${k}.${key}`, sources, make),
    });
    runs.push(run);
    x = run.yAll;
    const mask = k < L - 1 ? (masks?.between[k] ?? null) : (masks?.output ?? null);
    const maskT = mask === null ? null : tf.tensor2d(mask, [rows, H]);
    outputMasks.push(maskT);
    if (maskT !== null) x = tf.mul(x, maskT);
  }
  if (x === null) throw new Error("internal: no decoder input");
  const top = x;
  const decoderName = spec.tied ? "encoder.weight" : "decoder.weight";
  const decW = param(params, decoderName);
  const [decT] = derive("decoder.weight_t", [decW], () => [tf.transpose(decW)]);
  const logits = tf.fused.matMul({ a: top, b: decT, bias: param(params, "decoder.bias") });
  const h = tf.stack(runs.map((r) => r.h));
  const c = hasCellState(spec.cell) ? tf.stack(runs.map((r) => r.c as tf.Tensor)) : null;
  return { ids, runs, layerInputs, oneHotInput, embeddingMask, outputMasks, top, decoderName, logits, h, c };
}
