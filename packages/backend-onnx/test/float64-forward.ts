import type { ModelSpec, Weights } from "@rnnlm/core";

/**
 * An independent float64 forward pass in PyTorch semantics (gate order i,f,g,o / r,z,n),
 * written from the equations in SPEC §4 and nothing else, to check the ONNX graph against.
 */
export interface Float64ForwardResult {
  /** (steps · batch, vocab), row t·batch + b. */
  logits: Float64Array;
  /** (layers, batch, hidden). */
  h: Float64Array;
  c: Float64Array | null;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** y = W x (+ b) for a row-major (rows × cols) W. */
function affine(
  W: ArrayLike<number>,
  rows: number,
  cols: number,
  x: ArrayLike<number>,
  b?: ArrayLike<number>,
): Float64Array {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = b === undefined ? 0 : b[r];
    for (let c = 0; c < cols; c++) s += W[r * cols + c] * x[c];
    y[r] = s;
  }
  return y;
}

export function float64Forward(
  spec: ModelSpec,
  weights: Weights,
  ids: Int32Array,
  steps: number,
  batch: number,
  h0: Float32Array,
  c0: Float32Array | null,
): Float64ForwardResult {
  const H = spec.hiddenSize;
  const V = spec.vocabSize;
  const L = spec.numLayers;
  const w = (name: string) => weights[name].data;
  const h = Float64Array.from(h0);
  const c = c0 === null ? null : Float64Array.from(c0);
  const logits = new Float64Array(steps * batch * V);
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const id = ids[t * batch + b];
      let x: Float64Array;
      if (spec.embeddingSize === null) {
        x = new Float64Array(V);
        x[id] = 1;
      } else {
        const E = spec.embeddingSize;
        x = Float64Array.from(w("encoder.weight").slice(id * E, (id + 1) * E));
      }
      for (let k = 0; k < L; k++) {
        const inSize = x.length;
        const off = (k * batch + b) * H;
        const hPrev = h.slice(off, off + H);
        const gi = affine(w(`rnn.weight_ih_l${k}`), (gates(spec) * H) | 0, inSize, x, w(`rnn.bias_ih_l${k}`));
        const gh = affine(w(`rnn.weight_hh_l${k}`), (gates(spec) * H) | 0, H, hPrev, w(`rnn.bias_hh_l${k}`));
        const hNew = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          if (spec.cell === "rnn_tanh") hNew[j] = Math.tanh(gi[j] + gh[j]);
          else if (spec.cell === "rnn_relu") hNew[j] = Math.max(0, gi[j] + gh[j]);
          else if (spec.cell === "gru") {
            const r = sigmoid(gi[j] + gh[j]);
            const z = sigmoid(gi[H + j] + gh[H + j]);
            const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
            hNew[j] = (1 - z) * n + z * hPrev[j];
          } else {
            const cs = c as Float64Array;
            const i = sigmoid(gi[j] + gh[j]);
            const f = sigmoid(gi[H + j] + gh[H + j]);
            const g = Math.tanh(gi[2 * H + j] + gh[2 * H + j]);
            const o = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
            const cNew = f * cs[off + j] + i * g;
            cs[off + j] = cNew;
            hNew[j] = o * Math.tanh(cNew);
          }
        }
        h.set(hNew, off);
        x = hNew;
      }
      const row = affine(w("decoder.weight"), V, H, x, w("decoder.bias"));
      logits.set(row, (t * batch + b) * V);
    }
  }
  return { logits, h, c };
}

function gates(spec: ModelSpec): number {
  return spec.cell === "lstm" ? 4 : spec.cell === "gru" ? 3 : 1;
}
