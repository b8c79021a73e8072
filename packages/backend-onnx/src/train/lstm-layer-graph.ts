import {
  bySteps,
  type LayerGraph,
  type LayerGraphInput,
  previousRows,
  StepBody,
  stepRows,
} from "./recurrent-layer-graph.js";

/**
 * LSTM layer, gates in PyTorch order i, f, g, o over a = gi_t + W_hh·h (gi_t holds both
 * biases): i, f, o = σ, g = tanh; c' = f⊙c + i⊙g; h' = o⊙tanh(c').
 *
 * Backward, per step, only what is truly sequential:
 *   dh_t = dA_{t+1}·W_hh + dOut_t;  dc_t = dc_{t+1}⊙f_{t+1} + dh_t⊙K_t;
 *   dA_t = [dc_t, dc_t, dc_t, dh_t]⊙P_t,
 * with K = o⊙(1 − tanh(c')²) and P = [g⊙i(1−i), c⊙f(1−f), i⊙(1−g²), tanh(c')⊙o(1−o)]
 * computed once for all steps as (steps·batch, ·) tensors. The last step starts from
 * dA_T·W_hh = 0 and dc_T⊙f_T = 0, which add exact zeros.
 */
export function lstmLayerGraph(input: LayerGraphInput): LayerGraph {
  const { g, steps: T, batch: B, hidden: H, whh } = input;
  const c0 = input.c0;
  if (c0 === null) throw new Error("internal: an LSTM layer needs c0");
  const step = new StepBody(g, B);
  const s = step.b;
  const h = step.input("h", H);
  const c = step.input("c", H);
  const gi = step.input("gi", 4 * H);
  const [ai, af, ag, ao] = s.split(s.gemm(h, whh, gi, true), 1, 4);
  const i = s.sigmoid(ai);
  const f = s.sigmoid(af);
  const gg = s.tanh(ag);
  const o = s.sigmoid(ao);
  const cNext = s.add(s.mul(f, c), s.mul(i, gg));
  const tanhC = s.tanh(cNext);
  const hNext = s.mul(o, tanhC);
  step.output(hNext, H);
  step.output(cNext, H);
  // Training scans out the gates and every h' is o⊙tanh(c') again over all steps at once (the
  // same products), instead of a per-step copy of h', which is also the state.
  if (input.training) {
    step.outputCopy(cNext, H);
    for (const saved of [i, f, gg, o, tanhC]) step.output(saved, H);
  } else {
    step.outputCopy(hNext, H);
  }
  const [hT, cT, ...stacks] = g.scan(s, [input.h0, c0, bySteps(g, input.giAll, T, B, 4 * H)], 1, false);
  const rows = (stacked: string) => stepRows(g, stacked, T, B, H);
  const stacked = stacks.map(rows);
  const yAll = input.training ? g.mul(stacked[4], stacked[5]) : stacked[0];
  return {
    yAll,
    hT,
    cT,
    backward({ dOut }) {
      const [C, I, F, G, O, TanhC] = stacked;
      const hPrevAll = previousRows(g, input.h0, yAll, T, B);
      const CPrevAll = previousRows(g, c0, C, T, B);
      const sigmoidGrad = (x: string) => g.mul(x, g.rsub(1, x));
      const P = g.concat(
        [
          g.mul(G, sigmoidGrad(I)),
          g.mul(CPrevAll, sigmoidGrad(F)),
          g.mul(I, g.rsub(1, g.mul(G, G))),
          g.mul(TanhC, sigmoidGrad(O)),
        ],
        1,
      );
      const K = g.mul(O, g.rsub(1, g.mul(TanhC, TanhC)));

      // The state carried back is what step t − 1 needs of step t: dA_t·W_hh (not dA_t itself,
      // which would have to be copied to be both state and scanned output) and dc_t⊙f_t.
      const back = new StepBody(g, B);
      const r = back.b;
      const dhFromNext = back.input("dh_from_next", H);
      const dcFromNext = back.input("dc_from_next", H);
      const dOutT = back.input("dout", H);
      const k = back.input("k", H);
      const p = back.input("p", 4 * H);
      const fT = back.input("f", H);
      const dh = r.add(dhFromNext, dOutT);
      const dc = r.add(dcFromNext, r.mul(dh, k));
      const dA = r.mul(r.concat([dc, dc, dc, dh], 1), p);
      back.output(r.gemm(dA, whh, null, false), H);
      back.output(r.mul(dc, fT), H);
      back.output(dA, 4 * H);
      const stepped = (all: string, width: number) => bySteps(g, all, T, B, width);
      const zero = g.zeros([B, H]);
      const [, , DA] = g.scan(
        r,
        [zero, zero, stepped(dOut, H), stepped(K, H), stepped(P, 4 * H), stepped(F, H)],
        4,
        true,
      );
      const dAAll = stepRows(g, DA, T, B, 4 * H);
      return { dGi: dAAll, dGh: dAAll, hPrevAll };
    },
  };
}
