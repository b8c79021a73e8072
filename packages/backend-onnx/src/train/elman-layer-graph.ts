import type { LayerGraph, LayerGraphInput } from "./recurrent-layer-graph.js";

/**
 * Elman layer, h' = act(gi_t + W_hh·h) with gi_t = W_ih·x_t + b_ih + b_hh, act tanh or ReLU.
 * Backward: dA_t = dh_t ⊙ D_t, dh_{t−1} = dA_t·W_hh + dOut_{t−1}, with D = act′ = 1 − h'² (tanh)
 * or sign(h') ∈ {0, 1} (ReLU: h' ≥ 0, and PyTorch takes relu′(0) = 0), computed once for
 * every step.
 */
export function elmanLayerGraph(input: LayerGraphInput, activation: "tanh" | "relu"): LayerGraph {
  const { g, steps, whh } = input;
  const gi = g.split(input.giAll, 0, steps);
  const ys: string[] = [];
  let h = input.h0;
  for (let t = 0; t < steps; t++) {
    const a = g.gemm(h, whh, gi[t], true);
    h = activation === "tanh" ? g.tanh(a) : g.relu(a);
    ys.push(h);
  }
  return {
    ys,
    hT: h,
    cT: null,
    backward({ dOut, yAll }) {
      const D = activation === "tanh" ? g.rsub(1, g.mul(yAll, yAll)) : g.op1("Sign", [yAll], "relu_grad");
      const Ds = g.split(D, 0, steps);
      const dA: string[] = new Array(steps);
      for (let t = steps - 1; t >= 0; t--) {
        const dh = t === steps - 1 ? dOut[t] : g.gemm(dA[t + 1], whh, dOut[t], false);
        dA[t] = g.mul(dh, Ds[t]);
      }
      const dAAll = g.concat(dA, 0);
      return { dGi: dAAll, dGh: dAAll };
    },
  };
}
