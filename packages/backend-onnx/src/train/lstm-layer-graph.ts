import type { LayerGraph, LayerGraphInput } from "./recurrent-layer-graph.js";

/**
 * LSTM layer, gates in PyTorch order i, f, g, o over a = gi_t + W_hh·h (gi_t holds both
 * biases): i, f, o = σ, g = tanh; c' = f⊙c + i⊙g; h' = o⊙tanh(c').
 *
 * Backward, per step, only what is truly sequential:
 *   dh_t = dA_{t+1}·W_hh + dOut_t;  dc_t = dc_{t+1}⊙f_{t+1} + dh_t⊙K_t;
 *   dA_t = [dc_t, dc_t, dc_t, dh_t]⊙P_t,
 * with K = o⊙(1 − tanh(c')²) and P = [g⊙i(1−i), c⊙f(1−f), i⊙(1−g²), tanh(c')⊙o(1−o)]
 * computed once for all steps as (steps·batch, ·) tensors.
 */
export function lstmLayerGraph(input: LayerGraphInput): LayerGraph {
  const { g, steps, whh } = input;
  if (input.c0 === null) throw new Error("internal: an LSTM layer needs c0");
  const gi = g.split(input.giAll, 0, steps);
  const ys: string[] = [];
  const saved = { i: [] as string[], f: [] as string[], g: [] as string[], o: [] as string[] };
  const tanhCs: string[] = [];
  const cPrevs: string[] = [];
  let h = input.h0;
  let c = input.c0;
  for (let t = 0; t < steps; t++) {
    const a = g.gemm(h, whh, gi[t], true);
    const [ai, af, ag, ao] = g.split(a, 1, 4);
    const i = g.sigmoid(ai);
    const f = g.sigmoid(af);
    const gg = g.tanh(ag);
    const o = g.sigmoid(ao);
    cPrevs.push(c);
    c = g.add(g.mul(f, c), g.mul(i, gg));
    const tanhC = g.tanh(c);
    h = g.mul(o, tanhC);
    ys.push(h);
    saved.i.push(i);
    saved.f.push(f);
    saved.g.push(gg);
    saved.o.push(o);
    tanhCs.push(tanhC);
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
      const TanhC = g.concat(tanhCs, 0);
      const CPrevAll = g.concat(cPrevs, 0);
      const sigmoidGrad = (s: string) => g.mul(s, g.rsub(1, s));
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
      const Ps = g.split(P, 0, steps);
      const Ks = g.split(K, 0, steps);
      const dA: string[] = new Array(steps);
      let dcFromNext: string | null = null;
      for (let t = steps - 1; t >= 0; t--) {
        const dh = t === steps - 1 ? dOut[t] : g.gemm(dA[t + 1], whh, dOut[t], false);
        const dcFromH = g.mul(dh, Ks[t]);
        const dc: string = dcFromNext === null ? dcFromH : g.add(dcFromNext, dcFromH);
        dA[t] = g.mul(g.concat([dc, dc, dc, dh], 1), Ps[t]);
        dcFromNext = t > 0 ? g.mul(dc, saved.f[t]) : null;
      }
      const dAAll = g.concat(dA, 0);
      return { dGi: dAAll, dGh: dAAll };
    },
  };
}
