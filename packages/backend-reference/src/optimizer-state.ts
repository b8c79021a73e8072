import type { OptimizerSpec } from "@rnnlm/core";
import { bufferParameter } from "@rnnlm/core/backend";
import type { Parameters } from "./parameters.js";

/**
 * An optimizer with PyTorch's update rules and buffers, in float64.
 *
 * SGD (`torch.optim.SGD`, dampening 0, no Nesterov), for each parameter w with gradient g:
 *     g ← g + weightDecay·w;  if momentum > 0: buf ← momentum·buf + g (buf starts at 0, so
 *     the first step gives buf = g as PyTorch does), g ← buf;  w ← w − lr·g.
 * Adam (`torch.optim.Adam`, no AMSGrad, L2 weight decay added to g):
 *     step ← step + 1;  g ← g + weightDecay·w;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;
 *     w ← w − (lr / (1 − β1^step)) · m / (√v / √(1 − β2^step) + eps).
 * RMSprop (`torch.optim.RMSprop`, no momentum, not centered):
 *     g ← g + weightDecay·w;  v ← α·v + (1 − α)·g²;  w ← w − lr·g / (√v + eps).
 */
export class OptimizerState {
  readonly spec: OptimizerSpec;
  lr: number;
  private readonly names: readonly string[];
  private momentum: Parameters = {};
  private expAvg: Parameters = {};
  private expAvgSq: Parameters = {};
  private squareAvg: Parameters = {};
  private step = 0;

  constructor(spec: OptimizerSpec, params: Parameters, names: readonly string[]) {
    this.spec = spec;
    this.lr = spec.lr;
    this.names = names;
    for (const name of names) {
      const n = params[name].length;
      if (spec.type === "sgd" && spec.momentum > 0) this.momentum[name] = new Float64Array(n);
      if (spec.type === "adam") {
        this.expAvg[name] = new Float64Array(n);
        this.expAvgSq[name] = new Float64Array(n);
      }
      if (spec.type === "rmsprop") this.squareAvg[name] = new Float64Array(n);
    }
  }

  /** Updates `params` in place from `grads` (already clipped). */
  apply(params: Parameters, grads: Parameters): void {
    const spec = this.spec;
    if (spec.type === "adam") this.step += 1;
    for (const name of this.names) {
      const w = params[name];
      const g = grads[name];
      if (spec.type === "sgd") {
        const buf = this.momentum[name];
        for (let i = 0; i < w.length; i++) {
          let d = g[i] + spec.weightDecay * w[i];
          if (buf !== undefined) {
            buf[i] = spec.momentum * buf[i] + d;
            d = buf[i];
          }
          w[i] -= this.lr * d;
        }
      } else if (spec.type === "rmsprop") {
        const v = this.squareAvg[name];
        for (let i = 0; i < w.length; i++) {
          const d = g[i] + spec.weightDecay * w[i];
          v[i] = spec.alpha * v[i] + (1 - spec.alpha) * d * d;
          w[i] -= (this.lr * d) / (Math.sqrt(v[i]) + spec.eps);
        }
      } else {
        const m = this.expAvg[name];
        const v = this.expAvgSq[name];
        const stepSize = this.lr / (1 - spec.beta1 ** this.step);
        const bias2Sqrt = Math.sqrt(1 - spec.beta2 ** this.step);
        for (let i = 0; i < w.length; i++) {
          const d = g[i] + spec.weightDecay * w[i];
          m[i] = spec.beta1 * m[i] + (1 - spec.beta1) * d;
          v[i] = spec.beta2 * v[i] + (1 - spec.beta2) * d * d;
          w[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / bias2Sqrt + spec.eps);
        }
      }
    }
  }

  /**
   * Buffers keyed `momentum.<param>`, `exp_avg.<param>`, `exp_avg_sq.<param>`, and `step` for
   * Adam, `square_avg.<param>` for RMSprop (PyTorch's state names).
   */
  buffers(): Record<string, Float64Array> {
    const out: Record<string, Float64Array> = {};
    for (const [name, a] of Object.entries(this.momentum)) out[`momentum.${name}`] = a.slice();
    for (const [name, a] of Object.entries(this.expAvg)) out[`exp_avg.${name}`] = a.slice();
    for (const [name, a] of Object.entries(this.expAvgSq)) out[`exp_avg_sq.${name}`] = a.slice();
    for (const [name, a] of Object.entries(this.squareAvg)) out[`square_avg.${name}`] = a.slice();
    if (this.spec.type === "adam") out.step = Float64Array.of(this.step);
    return out;
  }

  /**
   * Restores buffers written by {@link buffers} (without `step`), already checked by core's
   * `validateOptimizerState`, and Adam's step.
   */
  restore(buffers: Record<string, ArrayLike<number>>, step: number): void {
    const targets: Record<string, Parameters> = {
      momentum: this.momentum,
      exp_avg: this.expAvg,
      exp_avg_sq: this.expAvgSq,
      square_avg: this.squareAvg,
    };
    for (const [key, given] of Object.entries(buffers)) {
      const kind = key.slice(0, key.indexOf("."));
      targets[kind][bufferParameter(key)] = Float64Array.from(given);
    }
    this.step = step;
  }
}
