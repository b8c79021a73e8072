import {
  bySteps,
  type LayerGraph,
  type LayerGraphInput,
  previousRows,
  StepBody,
  stepRows,
} from "./recurrent-layer-graph.js";

/**
 * Elman layer, h' = act(gi_t + W_hh·h) with gi_t = W_ih·x_t + b_ih + b_hh, act tanh or ReLU.
 * Backward: dA_t = dh_t ⊙ D_t, dh_{t−1} = dA_t·W_hh + dOut_{t−1}, with D = act′ = 1 − h'² (tanh)
 * or sign(h') ∈ {0, 1} (ReLU: h' ≥ 0, and PyTorch takes relu′(0) = 0), computed once for
 * every step. The last step starts from dA_T = 0 (adds exact zeros).
 */
export function elmanLayerGraph(input: LayerGraphInput, activation: "tanh" | "relu"): LayerGraph {
  const { g, steps: T, batch: B, hidden: H, whh } = input;
  const step = new StepBody(g, B);
  const s = step.b;
  const h = step.input("h", H);
  const gi = step.input("gi", H);
  const a = s.gemm(h, whh, gi, true);
  const hNext = activation === "tanh" ? s.tanh(a) : s.relu(a);
  step.output(hNext, H);
  step.outputCopy(hNext, H);
  const [hT, Y] = g.scan(s, [input.h0, bySteps(g, input.giAll, T, B, H)], 1, false);
  const yAll = stepRows(g, Y, T, B, H);
  return {
    yAll,
    hT,
    cT: null,
    backward({ dOut }) {
      const D = activation === "tanh" ? g.rsub(1, g.mul(yAll, yAll)) : g.op1("Sign", [yAll], "relu_grad");
      const back = new StepBody(g, B);
      const r = back.b;
      const dANext = back.input("dA_next", H);
      const dOutT = back.input("dout", H);
      const d = back.input("d", H);
      const dA = r.mul(r.gemm(dANext, whh, dOutT, false), d);
      back.output(dA, H);
      back.outputCopy(dA, H);
      const [, DA] = g.scan(r, [g.zeros([B, H]), bySteps(g, dOut, T, B, H), bySteps(g, D, T, B, H)], 2, true);
      const dAAll = stepRows(g, DA, T, B, H);
      return { dGi: dAAll, dGh: dAAll, hPrevAll: previousRows(g, input.h0, yAll, T, B) };
    },
  };
}
