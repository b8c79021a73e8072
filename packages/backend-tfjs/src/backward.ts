import type { ModelSpec } from "@rnnlm/core";
import * as tf from "@tensorflow/tfjs-core";
import { type NetworkTrace, param } from "./forward.js";
import type { ParameterTensors } from "./network.js";

/**
 * Backpropagation through the window (`backwardPass` in the reference): d loss / d parameter,
 * keyed like the parameters. The decoder, then each layer from the top down (its cell's BPTT,
 * then weight gradients as one product over all steps), then the embedding. The initial state
 * is a constant (detached). Must run inside `tf.tidy`.
 */
export function backwardNetwork(
  spec: ModelSpec,
  params: ParameterTensors,
  trace: NetworkTrace,
  logProbs: tf.Tensor,
  targets: Int32Array,
): Map<string, tf.Tensor> {
  const rows = targets.length;
  const V = spec.vocabSize;
  const L = spec.numLayers;
  const { ids, runs, layerInputs, oneHotInput, embeddingMask, outputMasks, top, decoderName } = trace;
  const decW = param(params, decoderName);
  const grads = new Map<string, tf.Tensor>();
  const accumulate = (name: string, g: tf.Tensor) => {
    const prev = grads.get(name);
    grads.set(name, prev === undefined ? g : tf.add(prev, g));
  };
  const targetsT = tf.tensor1d(targets, "int32");
  // int32 one-hot then a cast: tfjs-backend-wasm 4.22's OneHot writes wrong float32 values.
  const dLogits = tf.mul(tf.sub(tf.exp(logProbs), tf.cast(tf.oneHot(targetsT, V), "float32")), tf.scalar(1 / rows));
  accumulate(decoderName, tf.matMul(tf.transpose(dLogits), top));
  accumulate("decoder.bias", tf.sum(dLogits, 0));
  let dOut = tf.matMul(dLogits, decW);
  const idsColumn = tf.reshape(ids, [rows, 1]);
  for (let k = L - 1; k >= 0; k--) {
    const maskT = outputMasks[k];
    if (maskT !== null) dOut = tf.mul(dOut, maskT);
    const run = runs[k];
    if (run.backward === null) throw new Error("internal: layer not recorded");
    const { dGi, dGh, hPrevAll } = run.backward(dOut);
    const wihT = param(params, `rnn.weight_ih_l${k}`);
    accumulate(`rnn.weight_hh_l${k}`, tf.matMul(tf.transpose(hPrevAll), dGh));
    const dbx = tf.sum(dGi, 0);
    accumulate(`rnn.bias_ih_l${k}`, dbx);
    accumulate(`rnn.bias_hh_l${k}`, dGh === dGi ? dbx : tf.sum(dGh, 0));
    const xk = layerInputs[k];
    if (xk === null) {
      if (oneHotInput === null) throw new Error("internal: one-hot input missing");
      accumulate(`rnn.weight_ih_l${k}`, tf.matMul(tf.transpose(oneHotInput), dGi));
      continue;
    }
    accumulate(`rnn.weight_ih_l${k}`, tf.matMul(tf.transpose(xk), dGi));
    let dX = tf.matMul(dGi, tf.transpose(wihT));
    if (k > 0) {
      dOut = dX;
    } else {
      if (embeddingMask !== null) dX = tf.mul(dX, embeddingMask);
      accumulate("encoder.weight", tf.scatterND(idsColumn, dX, [V, spec.embeddingSize ?? 0]));
    }
  }
  return grads;
}
