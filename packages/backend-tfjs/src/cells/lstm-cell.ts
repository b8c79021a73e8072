import * as tf from "@tensorflow/tfjs-core";
import type { CellGrads, CellInputs, CellRun, FusedCell } from "./fused-cell.js";

/**
 * LSTM, PyTorch gate order i, f, g, o: c' = f⊙c + i⊙g, h' = o⊙tanh(c').
 * Forward: 17 tfjs calls per step (four gate matmuls, no cuts); backward: 7.
 */
export const lstmCell: FusedCell = {
  inputBias: (bih, bhh) => tf.add(bih, bhh),

  run({ giAll, h0, c0, whhT, whh, steps, record, blocks, derive }: CellInputs): CellRun {
    if (c0 === null) throw new Error("LSTM needs a cell state");
    const H = (giAll.shape[1] ?? 0) / 4;
    const gates = [H, H, H, H];
    // Every gate gets its own input block and recurrent matmul, so a step never cuts a
    // tensor: the blocks are cut once, here, for all steps.
    const gi = blocks.grid(giAll, steps, gates);
    const [Wi, Wf, Wg, Wo] = derive("whh_blocks", [whhT], () => blocks.splitCols(whhT, gates));
    let h: tf.Tensor = h0;
    let c: tf.Tensor = c0;
    const is: tf.Tensor[] = [];
    const fs: tf.Tensor[] = [];
    const gs: tf.Tensor[] = [];
    const os: tf.Tensor[] = [];
    const cs: tf.Tensor[] = [];
    const tanhCs: tf.Tensor[] = [];
    const hs: tf.Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const [giI, giF, giG, giO] = gi[t];
      const i = tf.sigmoid(tf.add(giI, tf.matMul(h, Wi)));
      const f = tf.sigmoid(tf.add(giF, tf.matMul(h, Wf)));
      const g = tf.tanh(tf.add(giG, tf.matMul(h, Wg)));
      const o = tf.sigmoid(tf.add(giO, tf.matMul(h, Wo)));
      c = tf.add(tf.mul(f, c), tf.mul(i, g));
      const tanhC = tf.tanh(c);
      h = tf.mul(o, tanhC);
      hs.push(h);
      if (record) {
        is.push(i);
        fs.push(f);
        gs.push(g);
        os.push(o);
        cs.push(c);
        tanhCs.push(tanhC);
      }
    }
    const yAll = tf.concat(hs, 0);
    if (!record) return { yAll, h, c, backward: null };

    return {
      yAll,
      h,
      c,
      backward(dYAll: tf.Tensor): CellGrads {
        const I = tf.concat(is, 0);
        const F = tf.concat(fs, 0);
        const G = tf.concat(gs, 0);
        const O = tf.concat(os, 0);
        const TanhC = tf.concat(tanhCs, 0);
        const CPrevAll = tf.concat([c0, ...cs.slice(0, steps - 1)], 0);
        const one = tf.scalar(1);
        // dc_t = dc_{t+1}⊙f_{t+1} + dh_t⊙K_t; dA_t = [dc, dc, dc, dh]⊙P_t (pre-activation gate gradients).
        const K = tf.mul(O, tf.sub(one, tf.square(TanhC)));
        const P = tf.concat(
          [
            tf.mul(G, tf.mul(I, tf.sub(one, I))),
            tf.mul(CPrevAll, tf.mul(F, tf.sub(one, F))),
            tf.mul(I, tf.sub(one, tf.square(G))),
            tf.mul(TanhC, tf.mul(O, tf.sub(one, O))),
          ],
          1,
        );
        const Ks = blocks.splitRows(K, steps);
        const Ps = blocks.splitRows(P, steps);
        const Fs = blocks.splitRows(F, steps);
        const dOut = blocks.splitRows(dYAll, steps);
        const dA: tf.Tensor[] = new Array(steps);
        const W = whh();
        let dhFromNext: tf.Tensor | null = null;
        let dcFromNext: tf.Tensor | null = null;
        for (let t = steps - 1; t >= 0; t--) {
          const dh: tf.Tensor = dhFromNext === null ? dOut[t] : tf.add(dOut[t], dhFromNext);
          const dcFromH: tf.Tensor = tf.mul(dh, Ks[t]);
          const dc: tf.Tensor = dcFromNext === null ? dcFromH : tf.add(dcFromNext, dcFromH);
          const dAt: tf.Tensor = tf.mul(tf.concat([dc, dc, dc, dh], 1), Ps[t]);
          dA[t] = dAt;
          if (t > 0) {
            dhFromNext = tf.matMul(dAt, W);
            dcFromNext = tf.mul(dc, Fs[t]);
          }
        }
        const dAAll = tf.concat(dA, 0);
        const hPrevAll = tf.concat([h0, ...hs.slice(0, steps - 1)], 0);
        return { dGi: dAAll, dGh: dAAll, hPrevAll };
      },
    };
  },
};
