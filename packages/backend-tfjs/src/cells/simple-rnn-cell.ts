import * as tf from "@tensorflow/tfjs-core";
import type { CellGrads, CellInputs, CellRun, FusedCell } from "./fused-cell.js";

/** Elman RNN, h' = act(W_ih x + b_ih + W_hh h + b_hh). Forward: 3 tfjs calls per step; backward: 3. */
function simpleRnnCell(activation: "tanh" | "relu"): FusedCell {
  const act = activation === "tanh" ? tf.tanh : tf.relu;
  return {
    inputBias: (bih, bhh) => tf.add(bih, bhh),

    run({ giAll, h0, whhT, whh, steps, record, blocks }: CellInputs): CellRun {
      const gi = blocks.splitRows(giAll, steps);
      let h: tf.Tensor = h0;
      const hs: tf.Tensor[] = [];
      for (let t = 0; t < steps; t++) {
        h = act(tf.add(gi[t], tf.matMul(h, whhT)));
        hs.push(h);
      }
      const yAll = tf.concat(hs, 0);
      if (!record) return { yAll, h, c: null, backward: null };
      return {
        yAll,
        h,
        c: null,
        backward(dYAll: tf.Tensor): CellGrads {
          // act'(pre) from the yAll: tanh' = 1 − h², relu' = [h > 0].
          const D = activation === "tanh" ? tf.sub(tf.scalar(1), tf.square(yAll)) : tf.step(yAll, 0);
          const Ds = blocks.splitRows(D, steps);
          const dOut = blocks.splitRows(dYAll, steps);
          const dA: tf.Tensor[] = new Array(steps);
          const W = whh();
          let dhFromNext: tf.Tensor | null = null;
          for (let t = steps - 1; t >= 0; t--) {
            const dh: tf.Tensor = dhFromNext === null ? dOut[t] : tf.add(dOut[t], dhFromNext);
            dA[t] = tf.mul(dh, Ds[t]);
            if (t > 0) dhFromNext = tf.matMul(dA[t], W);
          }
          const dAAll = tf.concat(dA, 0);
          const hPrevAll = tf.concat([h0, ...hs.slice(0, steps - 1)], 0);
          return { dGi: dAAll, dGh: dAAll, hPrevAll };
        },
      };
    },
  };
}

export const rnnTanhCell = simpleRnnCell("tanh");
export const rnnReluCell = simpleRnnCell("relu");
