import type { LayerGraph, LayerGraphInput } from "./recurrent-layer-graph.js";

/**
 * GRU layer, gates in PyTorch order r, z, n, with gi_t = W_ih·x_t + b_ih and
 * gh = W_hh·h + b_hh: r, z = σ(gi + gh), n = tanh(gi_n + r⊙gh_n), h' = n + z⊙(h − n).
 *
 * Backward, per step: dh_t = dGh_{t+1}·W_hh + dh_{t+1}⊙z_{t+1} + dOut_t, then
 * dGi_t = [dh, dh, dh]⊙Pi_t and dGh_t = [dh, dh, dh]⊙Ph_t, where, with Q = (1 − z)(1 − n²),
 * Pr = Q⊙gh_n⊙r(1−r) and Pz = (h − n)⊙z(1−z), Pi = [Pr, Pz, Q] and Ph = [Pr, Pz, Q⊙r] are
 * computed once for all steps.
 */
export function gruLayerGraph(input: LayerGraphInput): LayerGraph {
  const { g, steps, hidden: H, whh } = input;
  const [giRzAll, giNAll] = g.split(input.giAll, 1, 2, [2 * H, H]);
  const giRz = g.split(giRzAll, 0, steps);
  const giN = g.split(giNAll, 0, steps);
  const ys: string[] = [];
  const saved = { r: [] as string[], z: [] as string[], n: [] as string[], ghN: [] as string[] };
  let h = input.h0;
  for (let t = 0; t < steps; t++) {
    const gh = g.gemm(h, whh, input.bhh, true);
    const [ghRz, ghN] = g.split(gh, 1, 2, [2 * H, H]);
    const [r, z] = g.split(g.sigmoid(g.add(giRz[t], ghRz)), 1, 2);
    const n = g.tanh(g.add(giN[t], g.mul(r, ghN)));
    h = g.add(n, g.mul(z, g.sub(h, n)));
    ys.push(h);
    saved.r.push(r);
    saved.z.push(z);
    saved.n.push(n);
    saved.ghN.push(ghN);
  }
  return {
    ys,
    hT: h,
    cT: null,
    backward({ dOut, hPrevAll }) {
      const R = g.concat(saved.r, 0);
      const Z = g.concat(saved.z, 0);
      const N = g.concat(saved.n, 0);
      const GhN = g.concat(saved.ghN, 0);
      const Q = g.mul(g.rsub(1, Z), g.rsub(1, g.mul(N, N)));
      const Pr = g.mul(g.mul(Q, GhN), g.mul(R, g.rsub(1, R)));
      const Pz = g.mul(g.sub(hPrevAll, N), g.mul(Z, g.rsub(1, Z)));
      const Pi = g.split(g.concat([Pr, Pz, Q], 1), 0, steps);
      const Ph = g.split(g.concat([Pr, Pz, g.mul(Q, R)], 1), 0, steps);
      const dGi: string[] = new Array(steps);
      const dGh: string[] = new Array(steps);
      let dhNext = "";
      for (let t = steps - 1; t >= 0; t--) {
        const dh =
          t === steps - 1 ? dOut[t] : g.gemm(dGh[t + 1], whh, g.add(g.mul(dhNext, saved.z[t + 1]), dOut[t]), false);
        const d3 = g.concat([dh, dh, dh], 1);
        dGi[t] = g.mul(d3, Pi[t]);
        dGh[t] = g.mul(d3, Ph[t]);
        dhNext = dh;
      }
      return { dGi: g.concat(dGi, 0), dGh: g.concat(dGh, 0) };
    },
  };
}
