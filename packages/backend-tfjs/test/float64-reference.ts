/**
 * A plain float64 implementation of the model's forward pass and loss, written straight
 * from SPEC §4 (PyTorch gate order and formulas), independent of the fused tfjs code.
 * Tests use it for forward values and, with central finite differences, for gradients.
 */
import type { ModelSpec, Weights } from "@rnnlm/core";
import { gateCount } from "@rnnlm/core";
import type { DropoutMasks } from "@rnnlm/core/backend";

export type Params = Record<string, { shape: number[]; data: Float64Array }>;

export function toFloat64(weights: Weights): Params {
  const out: Params = {};
  for (const [k, w] of Object.entries(weights)) out[k] = { shape: [...w.shape], data: Float64Array.from(w.data) };
  return out;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

export interface RefResult {
  logits: Float64Array; // (T·B, V)
  loss: number;
  h: Float64Array; // (L, B, H)
  c: Float64Array | null;
}

/** y = W x + b for W (rows × cols) row-major. */
function affine(
  W: Float64Array,
  rows: number,
  cols: number,
  x: ArrayLike<number>,
  b: Float64Array | null,
): Float64Array {
  const y = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = b === null ? 0 : b[r];
    for (let c = 0; c < cols; c++) s += W[r * cols + c] * x[c];
    y[r] = s;
  }
  return y;
}

export function referenceForward(
  spec: ModelSpec,
  p: Params,
  ids: Int32Array,
  targets: Int32Array,
  steps: number,
  batch: number,
  h0: Float64Array,
  c0: Float64Array | null,
  masks: DropoutMasks | null = null,
): RefResult {
  const { vocabSize: V, hiddenSize: H, numLayers: L } = spec;
  const G = gateCount(spec.cell) * H;
  const h = Float64Array.from(h0);
  const c = c0 === null ? null : Float64Array.from(c0);
  const logits = new Float64Array(steps * batch * V);
  let loss = 0;
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const row = t * batch + b;
      const id = ids[row];
      let x: Float64Array;
      if (spec.embeddingSize === null) {
        x = new Float64Array(V);
        x[id] = 1;
      } else {
        const E = spec.embeddingSize;
        x = p["encoder.weight"].data.slice(id * E, id * E + E);
      }
      if (masks?.input) {
        const w = x.length;
        for (let i = 0; i < w; i++) x[i] *= masks.input[row * w + i];
      }
      for (let k = 0; k < L; k++) {
        const inSize = x.length;
        const gi = affine(p[`rnn.weight_ih_l${k}`].data, G, inSize, x, p[`rnn.bias_ih_l${k}`].data);
        const hk = h.subarray((k * batch + b) * H, (k * batch + b + 1) * H);
        const gh = affine(p[`rnn.weight_hh_l${k}`].data, G, H, hk, p[`rnn.bias_hh_l${k}`].data);
        const next = new Float64Array(H);
        for (let j = 0; j < H; j++) {
          if (spec.cell === "rnn_tanh") next[j] = Math.tanh(gi[j] + gh[j]);
          else if (spec.cell === "rnn_relu") next[j] = Math.max(0, gi[j] + gh[j]);
          else if (spec.cell === "gru") {
            const r = sigmoid(gi[j] + gh[j]);
            const z = sigmoid(gi[H + j] + gh[H + j]);
            const n = Math.tanh(gi[2 * H + j] + r * gh[2 * H + j]);
            next[j] = (1 - z) * n + z * hk[j];
          } else {
            const ck = (c as Float64Array).subarray((k * batch + b) * H, (k * batch + b + 1) * H);
            const i = sigmoid(gi[j] + gh[j]);
            const f = sigmoid(gi[H + j] + gh[H + j]);
            const g = Math.tanh(gi[2 * H + j] + gh[2 * H + j]);
            const o = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
            ck[j] = f * ck[j] + i * g;
            next[j] = o * Math.tanh(ck[j]);
          }
        }
        hk.set(next);
        x = Float64Array.from(next);
        const mask = k < L - 1 ? (masks?.between[k] ?? null) : (masks?.output ?? null);
        if (mask !== null) for (let j = 0; j < H; j++) x[j] *= mask[row * H + j];
      }
      const dec = spec.tied ? p["encoder.weight"].data : p["decoder.weight"].data;
      const out = affine(dec, V, H, x, p["decoder.bias"].data);
      logits.set(out, row * V);
      let max = -Infinity;
      for (const v of out) max = Math.max(max, v);
      let sum = 0;
      for (const v of out) sum += Math.exp(v - max);
      loss += max + Math.log(sum) - out[targets[row]];
    }
  }
  return { logits, loss: loss / (steps * batch), h, c };
}

/** Central finite differences of the reference loss w.r.t. every entry of every named parameter. */
export function finiteDifferenceGrads(
  names: readonly string[],
  p: Params,
  loss: () => number,
  eps = 1e-5,
): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const name of names) {
    const w = p[name].data;
    const g = new Float64Array(w.length);
    for (let i = 0; i < w.length; i++) {
      const keep = w[i];
      w[i] = keep + eps;
      const up = loss();
      w[i] = keep - eps;
      const down = loss();
      w[i] = keep;
      g[i] = (up - down) / (2 * eps);
    }
    out[name] = g;
  }
  return out;
}
