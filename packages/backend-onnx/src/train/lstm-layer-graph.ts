import type { LayerGraph, LayerGraphInput } from "./recurrent-layer-graph.js";

/**
 * LSTM layer, gates in PyTorch order i, f, g, o over a = gi_t + W_hh·h (gi_t holds both
 * biases): i, f, o = σ, g = tanh; c' = f⊙c + i⊙g; h' = o⊙tanh(c').
 *
 * Backward, per step, only what is truly sequential:
 *   dh_t = dA_{t+1}·W_hh + dOut_t;  dc̃ = dc_t + dh_t⊙K_t;  dA_t = [dc̃, dc̃, dc̃, dh_t]⊙P_t;
 *   dc_{t−1} = dc̃⊙f_t,
 * with K = o⊙(1 − tanh(c')²) and P = [g⊙i(1−i), c⊙f(1−f), i⊙(1−g²), tanh(c')⊙o(1−o)]
 * computed once for all steps as (steps·batch, ·) tensors.
 */
export function lstmLayerGraph(input: LayerGraphInput): LayerGraph {
  const { g, steps, whh } = input;
  if (input.c0 === null) throw new Error("internal: an LSTM layer needs c0");
  const gi = g.split(input.giAll, 0, steps);
  const ys: string[] = [];
  const saved = { i: [] as string[], f: [] as string[], g: [] as string[], o: [] as string[] };
  const tcs: string[] = [];
  const cPrev: string[] = [];
  let h = input.h0;
  let c = input.c0;
  for (let t = 0; t < steps; t++) {
    const a = g.gemm(h, whh, gi[t], true);
    const [ai, af, ag, ao] = g.split(a, 1, 4);
    const i = g.sigmoid(ai);
    const f = g.sigmoid(af);
    const gg = g.tanh(ag);
    const o = g.sigmoid(ao);
    cPrev.push(c);
    c = g.add(g.mul(f, c), g.mul(i, gg));
    const tc = g.tanh(c);
    h = g.mul(o, tc);
    ys.push(h);
    saved.i.push(i);
    saved.f.push(f);
    saved.g.push(gg);
    saved.o.push(o);
    tcs.push(tc);
  }
  return {
    ys,
    hT: h,
    cT: c,
    backward({ dOut }) {
      const I = g.concat(saved.i, 0);
      const F = g.concat(saved.f, 0);
      const G = g.concat(saved.g, 0);
      const O = g.concat(saved.o, 0);
      const TC = g.concat(tcs, 0);
      const CP = g.concat(cPrev, 0);
      const sigmoidGrad = (s: string) => g.mul(s, g.rsub(1, s));
      const P = g.concat(
        [
          g.mul(G, sigmoidGrad(I)),
          g.mul(CP, sigmoidGrad(F)),
          g.mul(I, g.rsub(1, g.mul(G, G))),
          g.mul(TC, sigmoidGrad(O)),
        ],
        1,
      );
      const K = g.mul(O, g.rsub(1, g.mul(TC, TC)));
      const Ps = g.split(P, 0, steps);
      const Ks = g.split(K, 0, steps);
      const dA: string[] = new Array(steps);
      let dc: string | null = null;
      for (let t = steps - 1; t >= 0; t--) {
        const dh = t === steps - 1 ? dOut[t] : g.gemm(dA[t + 1], whh, dOut[t], false);
        const fromH = g.mul(dh, Ks[t]);
        const dcTotal: string = dc === null ? fromH : g.add(dc, fromH);
        dA[t] = g.mul(g.concat([dcTotal, dcTotal, dcTotal, dh], 1), Ps[t]);
        dc = t > 0 ? g.mul(dcTotal, saved.f[t]) : null;
      }
      const all = g.concat(dA, 0);
      return { dGi: all, dGh: all };
    },
  };
}
