import * as tf from "@tensorflow/tfjs-core";
import type { CellGrads, CellInputs, CellRun, FusedCell } from "./fused-cell.js";

/** Elman RNN, h' = act(W_ih x + b_ih + W_hh h + b_hh). Forward: 3 tfjs calls per step; backward: 3. */
function simpleRnnCell(activation: "tanh" | "relu"): FusedCell {
  const act = activation === "tanh" ? tf.tanh : tf.relu;
  return {
    inputBias: (bih, bhh) => tf.add(bih, bhh),

    run({ xproj, h0, whhT, whh, steps, record, blocks }: CellInputs): CellRun {
      const xs = blocks.splitRows(xproj, steps);
      let h: tf.Tensor = h0;
      const hs: tf.Tensor[] = [];
      for (let t = 0; t < steps; t++) {
        h = act(tf.add(xs[t], tf.matMul(h, whhT)));
        hs.push(h);
      }
      const outputs = tf.concat(hs, 0);
      if (!record) return { outputs, h, c: null, backward: null };
      return {
        outputs,
        h,
        c: null,
        backward(dOutputs: tf.Tensor): CellGrads {
          // act'(pre) from the outputs: tanh' = 1 − h², relu' = [h > 0].
          const D = activation === "tanh" ? tf.sub(tf.scalar(1), tf.square(outputs)) : tf.step(outputs, 0);
          const Ds = blocks.splitRows(D, steps);
          const dOs = blocks.splitRows(dOutputs, steps);
          const dzs: tf.Tensor[] = new Array(steps);
          const W = whh();
          let dhRec: tf.Tensor | null = null;
          for (let t = steps - 1; t >= 0; t--) {
            const dh: tf.Tensor = dhRec === null ? dOs[t] : tf.add(dOs[t], dhRec);
            dzs[t] = tf.mul(dh, Ds[t]);
            if (t > 0) dhRec = tf.matMul(dzs[t], W);
          }
          const dG = tf.concat(dzs, 0);
          const hPrev = tf.concat([h0, ...hs.slice(0, steps - 1)], 0);
          return { dGx: dG, dGh: dG, hPrev };
        },
      };
    },
  };
}

export const rnnTanhCell = simpleRnnCell("tanh");
export const rnnReluCell = simpleRnnCell("relu");
