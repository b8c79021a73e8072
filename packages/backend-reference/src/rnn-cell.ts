import type { CellBackward, CellForward, CellKernel } from "./cell.js";

/** Elman cell: h' = act(W_ih·x + b_ih + W_hh·h + b_hh). */
function rnnCell(act: (a: number) => number, derivativeFromOutput: (h: number) => number): CellKernel {
  return {
    gates: 1,
    forward(gi, gh): CellForward {
      const h = new Float64Array(gi.length);
      for (let j = 0; j < h.length; j++) h[j] = act(gi[j] + gh[j]);
      return { h, c: null, saved: [] };
    },
    backward(step, dh): CellBackward {
      const da = new Float64Array(dh.length);
      for (let j = 0; j < da.length; j++) da[j] = dh[j] * derivativeFromOutput(step.h[j]);
      return { dgi: da, dgh: da, dhDirect: null, dcPrev: null };
    },
  };
}

/** tanh′(a) = 1 − tanh(a)². */
export const tanhRnnCell = rnnCell(Math.tanh, (h) => 1 - h * h);
/** relu′(a) = 1 when a > 0 (equivalently h > 0), else 0 (PyTorch's choice at 0). */
export const reluRnnCell = rnnCell(
  (a) => Math.max(a, 0),
  (h) => (h > 0 ? 1 : 0),
);
