import type { CellBackward, CellForward, CellKernel } from "./cell.js";
import { sigmoid } from "./matrix.js";

/**
 * GRU, gates in PyTorch order r, z, n:
 * r = σ(gi_r + gh_r), z = σ(gi_z + gh_z), n = tanh(gi_n + r⊙gh_n), h' = (1 − z)⊙n + z⊙h.
 * (gh_n = W_hn·h + b_hn: the reset gate multiplies after the matrix, ONNX linear_before_reset = 1.)
 * `saved` = [r, z, n, gh_n].
 */
export const gruCell: CellKernel = {
  gates: 3,
  forward(gi, gh, hPrev): CellForward {
    const H = gi.length / 3;
    const [r, z, n, ghn] = [0, 1, 2, 3].map(() => new Float64Array(H));
    const h = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      r[j] = sigmoid(gi[j] + gh[j]);
      z[j] = sigmoid(gi[H + j] + gh[H + j]);
      ghn[j] = gh[2 * H + j];
      n[j] = Math.tanh(gi[2 * H + j] + r[j] * ghn[j]);
      h[j] = (1 - z[j]) * n[j] + z[j] * hPrev[j];
    }
    return { h, c: null, saved: [r, z, n, ghn] };
  },
  backward(step, dh, _dc, hPrev): CellBackward {
    const [r, z, n, ghn] = step.saved;
    const H = dh.length;
    const dgi = new Float64Array(3 * H);
    const dgh = new Float64Array(3 * H);
    const dhDirect = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      const dn = dh[j] * (1 - z[j]);
      const dz = dh[j] * (hPrev[j] - n[j]);
      dhDirect[j] = dh[j] * z[j];
      const dan = dn * (1 - n[j] * n[j]);
      const dr = dan * ghn[j];
      const dar = dr * r[j] * (1 - r[j]);
      const daz = dz * z[j] * (1 - z[j]);
      dgi[j] = dar;
      dgi[H + j] = daz;
      dgi[2 * H + j] = dan;
      dgh[j] = dar;
      dgh[H + j] = daz;
      dgh[2 * H + j] = dan * r[j];
    }
    return { dgi, dgh, dhDirect, dcPrev: null };
  },
};
