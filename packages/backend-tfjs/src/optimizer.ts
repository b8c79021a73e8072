import type { OptimizerSpec } from "@rnnlm/core";
import * as tf from "@tensorflow/tfjs-core";

/** Optimizer buffers keyed as core's `TrainableModel.getOptimizerState` names them. */
export type OptimizerBuffers = Map<string, tf.Tensor>;

export interface UpdateResult {
  readonly params: Map<string, tf.Tensor>;
  readonly buffers: OptimizerBuffers;
}

/**
 * One update with PyTorch's rules (run inside `tf.tidy`):
 * - SGD: g += wd·w; with momentum buf = m·buf + g (buf = g on the first step); w −= lr·buf.
 * - Adam: g += wd·w; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; t += 1;
 *   w −= (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps).
 * - RMSprop: g += wd·w; v = α·v + (1−α)·g²; w −= lr·g/(√v + eps).
 * `step` for Adam is kept on the host in `buffers` as a [1]-shaped tensor.
 */
export function applyUpdate(
  spec: OptimizerSpec,
  lr: number,
  params: ReadonlyMap<string, tf.Tensor>,
  grads: ReadonlyMap<string, tf.Tensor>,
  buffers: ReadonlyMap<string, tf.Tensor>,
  step: number,
): UpdateResult {
  const nextParams = new Map<string, tf.Tensor>();
  const nextBuffers: OptimizerBuffers = new Map();
  const lrT = tf.scalar(lr);
  for (const [name, w] of params) {
    let g = grads.get(name);
    if (g === undefined) throw new Error(`internal: no gradient for ${name}`);
    if (spec.weightDecay > 0) g = tf.add(g, tf.mul(w, tf.scalar(spec.weightDecay)));
    if (spec.type === "sgd") {
      if (spec.momentum > 0) {
        const key = `momentum.${name}`;
        const prev = buffers.get(key);
        // First step: buf = g, as a clone: the caller disposes the gradients after the update.
        const buf = prev === undefined ? tf.clone(g) : tf.add(tf.mul(prev, tf.scalar(spec.momentum)), g);
        nextBuffers.set(key, buf);
        g = buf;
      }
      nextParams.set(name, tf.sub(w, tf.mul(g, lrT)));
    } else if (spec.type === "rmsprop") {
      const key = `square_avg.${name}`;
      const vPrev = buffers.get(key) ?? tf.zerosLike(w);
      const v = tf.add(tf.mul(vPrev, tf.scalar(spec.alpha)), tf.mul(tf.square(g), tf.scalar(1 - spec.alpha)));
      const denom = tf.add(tf.sqrt(v), tf.scalar(spec.eps));
      nextParams.set(name, tf.sub(w, tf.mul(tf.div(g, denom), lrT)));
      nextBuffers.set(key, v);
    } else {
      const mPrev = buffers.get(`exp_avg.${name}`) ?? tf.zerosLike(w);
      const vPrev = buffers.get(`exp_avg_sq.${name}`) ?? tf.zerosLike(w);
      const m = tf.add(tf.mul(mPrev, tf.scalar(spec.beta1)), tf.mul(g, tf.scalar(1 - spec.beta1)));
      const v = tf.add(tf.mul(vPrev, tf.scalar(spec.beta2)), tf.mul(tf.square(g), tf.scalar(1 - spec.beta2)));
      const bc1 = 1 - spec.beta1 ** step;
      const bc2 = 1 - spec.beta2 ** step;
      const denom = tf.add(tf.div(tf.sqrt(v), tf.scalar(Math.sqrt(bc2))), tf.scalar(spec.eps));
      nextParams.set(name, tf.sub(w, tf.mul(tf.div(m, denom), tf.scalar(lr / bc1))));
      nextBuffers.set(`exp_avg.${name}`, m);
      nextBuffers.set(`exp_avg_sq.${name}`, v);
    }
  }
  if (spec.type === "adam") nextBuffers.set("step", tf.tensor1d([step], "float32"));
  return { params: nextParams, buffers: nextBuffers };
}
