import {
  bySteps,
  type LayerGraph,
  type LayerGraphInput,
  previousRows,
  StepBody,
  stepRows,
  zeros,
} from "./recurrent-layer-graph.js";

/**
 * GRU layer, gates in PyTorch order r, z, n, with gi_t = W_ih·x_t + b_ih and
 * gh = W_hh·h + b_hh: r, z = σ(gi + gh), n = tanh(gi_n + r⊙gh_n), h' = n + z⊙(h − n).
 *
 * Backward, per step: dh_t = dGh_{t+1}·W_hh + dh_{t+1}⊙z_{t+1} + dOut_t, then
 * dGi_t = [dh, dh, dh]⊙Pi_t and dGh_t = [dh, dh, dh]⊙Ph_t, where, with Q = (1 − z)(1 − n²),
 * Pr = Q⊙gh_n⊙r(1−r) and Pz = (h − n)⊙z(1−z), Pi = [Pr, Pz, Q] and Ph = [Pr, Pz, Q⊙r] are
 * computed once for all steps. The last step starts from dGh_T = 0 and dh_T⊙z_T = 0 (exact zeros).
 */
export function gruLayerGraph(input: LayerGraphInput): LayerGraph {
  const { g, steps: T, batch: B, hidden: H, whh } = input;
  const [giRzAll, giNAll] = g.split(input.giAll, 1, 2, [2 * H, H]);
  const step = new StepBody(g, B);
  const s = step.b;
  const h = step.input("h", H);
  const giRz = step.input("gi_rz", 2 * H);
  const giN = step.input("gi_n", H);
  const gh = s.gemm(h, whh, input.bhh, true);
  const [ghRz, ghN] = s.split(gh, 1, 2, [2 * H, H]);
  const [r, z] = s.split(s.sigmoid(s.add(giRz, ghRz)), 1, 2);
  const n = s.tanh(s.add(giN, s.mul(r, ghN)));
  const hNext = s.add(n, s.mul(z, s.sub(h, n)));
  step.output(hNext, H);
  step.outputCopy(hNext, H);
  if (input.training) for (const saved of [r, z, n, ghN]) step.output(saved, H);
  const [hT, Y, ...stacks] = g.scan(
    s,
    [input.h0, bySteps(g, giRzAll, T, B, 2 * H), bySteps(g, giNAll, T, B, H)],
    2,
    false,
  );
  const rows = (stacked: string) => stepRows(g, stacked, T, B, H);
  const yAll = rows(Y);
  return {
    yAll,
    hT,
    cT: null,
    backward({ dOut }) {
      const [R, Z, N, GhN] = stacks.map(rows);
      const hPrevAll = previousRows(g, input.h0, yAll, T, B);
      const Q = g.mul(g.rsub(1, Z), g.rsub(1, g.mul(N, N)));
      const Pr = g.mul(g.mul(Q, GhN), g.mul(R, g.rsub(1, R)));
      const Pz = g.mul(g.sub(hPrevAll, N), g.mul(Z, g.rsub(1, Z)));
      const Pi = g.concat([Pr, Pz, Q], 1);
      const Ph = g.concat([Pr, Pz, g.mul(Q, R)], 1);

      const back = new StepBody(g, B);
      const b = back.b;
      const dGhNext = back.input("dgh_next", 3 * H);
      const dhFromNext = back.input("dh_from_next", H);
      const dOutT = back.input("dout", H);
      const pi = back.input("pi", 3 * H);
      const ph = back.input("ph", 3 * H);
      const zT = back.input("z", H);
      const dh = b.gemm(dGhNext, whh, b.add(dhFromNext, dOutT), false);
      const d3 = b.concat([dh, dh, dh], 1);
      const dGh = b.mul(d3, ph);
      back.output(dGh, 3 * H);
      back.output(b.mul(dh, zT), H);
      back.output(b.mul(d3, pi), 3 * H);
      back.outputCopy(dGh, 3 * H);
      const [, , DGi, DGh] = g.scan(
        b,
        [
          zeros(g, B, 3 * H),
          zeros(g, B, H),
          bySteps(g, dOut, T, B, H),
          bySteps(g, Pi, T, B, 3 * H),
          bySteps(g, Ph, T, B, 3 * H),
          bySteps(g, Z, T, B, H),
        ],
        4,
        true,
      );
      return { dGi: stepRows(g, DGi, T, B, 3 * H), dGh: stepRows(g, DGh, T, B, 3 * H), hPrevAll };
    },
  };
}
