import {
  bySteps,
  type LayerGraph,
  type LayerGraphInput,
  previousRows,
  StepBody,
  stepRows,
} from "./recurrent-layer-graph.js";

/**
 * GRU layer, gates in PyTorch order r, z, n, with gi_t = W_ih·x_t + b_ih and
 * gh = W_hh·h + b_hh: r, z = σ(gi + gh), n = tanh(gi_n + r⊙gh_n), h' = n + z⊙(h − n).
 *
 * Backward, per step: dh_t = dGh_{t+1}·W_hh + dh_{t+1}⊙z_{t+1} + dOut_t, then
 * dGi_t = [dh, dh, dh]⊙Pi_t and dGh_t = [dh, dh, dh]⊙Ph_t, where, with Q = (1 − z)(1 − n²),
 * Pr = Q⊙gh_n⊙r(1−r) and Pz = (h − n)⊙z(1−z), Pi = [Pr, Pz, Q] and Ph = [Pr, Pz, Q⊙r] are
 * computed once for all steps. The last step starts from dGh_T·W_hh + dh_T⊙z_T = 0 (exact zeros).
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
      const Ph = g.concat([Pr, Pz, g.mul(Q, R)], 1);

      // Carried back: what step t − 1 needs of step t, dGh_t·W_hh + dh_t⊙z_t. dGi_t equals dGh_t
      // but in the n block (dh⊙Q there, dh⊙Q⊙r in dGh), so the scan gives dGh and dh and dGi's
      // n block is one product over all steps.
      const back = new StepBody(g, B);
      const b = back.b;
      const dhFromNext = back.input("dh_from_next", H);
      const dOutT = back.input("dout", H);
      const ph = back.input("ph", 3 * H);
      const zT = back.input("z", H);
      const dh = b.add(dhFromNext, dOutT);
      const dGh = b.mul(b.concat([dh, dh, dh], 1), ph);
      back.output(b.gemm(dGh, whh, b.mul(dh, zT), false), H);
      back.output(dGh, 3 * H);
      back.output(dh, H);
      const [, DGh, DH] = g.scan(
        b,
        [g.zeros([B, H]), bySteps(g, dOut, T, B, H), bySteps(g, Ph, T, B, 3 * H), bySteps(g, Z, T, B, H)],
        3,
        true,
      );
      const dGhAll = stepRows(g, DGh, T, B, 3 * H);
      const [dGhRz] = g.split(dGhAll, 1, 2, [2 * H, H]);
      const dGi = g.concat([dGhRz, g.mul(rows(DH), Q)], 1);
      return { dGi, dGh: dGhAll, hPrevAll };
    },
  };
}
