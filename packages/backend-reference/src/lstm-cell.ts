import type { CellBackward, CellForward, CellKernel } from "./cell.js";
import { sigmoid } from "./matrix.js";

/**
 * LSTM, gates in PyTorch order i, f, g, o (each H rows of a = gi + gh):
 * i = σ(a_i), f = σ(a_f), g = tanh(a_g), o = σ(a_o); c' = f⊙c + i⊙g; h' = o⊙tanh(c').
 * `saved` = [i, f, g, o, tanh(c')].
 */
export const lstmCell: CellKernel = {
  gates: 4,
  forward(gi, gh, _hPrev, cPrev): CellForward {
    const H = gi.length / 4;
    const [i, f, g, o, tc] = [0, 1, 2, 3, 4].map(() => new Float64Array(H));
    const c = new Float64Array(H);
    const h = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      i[j] = sigmoid(gi[j] + gh[j]);
      f[j] = sigmoid(gi[H + j] + gh[H + j]);
      g[j] = Math.tanh(gi[2 * H + j] + gh[2 * H + j]);
      o[j] = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
      c[j] = f[j] * (cPrev as Float64Array)[j] + i[j] * g[j];
      tc[j] = Math.tanh(c[j]);
      h[j] = o[j] * tc[j];
    }
    return { h, c, saved: [i, f, g, o, tc] };
  },
  backward(step, dh, dc, _hPrev, cPrev): CellBackward {
    const [i, f, g, o, tc] = step.saved;
    const H = dh.length;
    const da = new Float64Array(4 * H);
    const dcPrev = new Float64Array(H);
    for (let j = 0; j < H; j++) {
      // Total gradient reaching c': from the next step (dc) and through h' = o⊙tanh(c').
      const dcj = (dc as Float64Array)[j] + dh[j] * o[j] * (1 - tc[j] * tc[j]);
      const di = dcj * g[j];
      const df = dcj * (cPrev as Float64Array)[j];
      const dg = dcj * i[j];
      const dout = dh[j] * tc[j];
      da[j] = di * i[j] * (1 - i[j]);
      da[H + j] = df * f[j] * (1 - f[j]);
      da[2 * H + j] = dg * (1 - g[j] * g[j]);
      da[3 * H + j] = dout * o[j] * (1 - o[j]);
      dcPrev[j] = dcj * f[j];
    }
    return { dgi: da, dgh: da, dhDirect: null, dcPrev };
  },
};
