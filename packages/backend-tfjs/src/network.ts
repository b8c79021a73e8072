import type { ModelSpec } from "@rnnlm/core";
import { hasCellState } from "@rnnlm/core/backend";
import * as tf from "@tensorflow/tfjs-core";
import { cellFor } from "./cells/cell-for.js";
import type { CellRun } from "./cells/fused-cell.js";
import { Blocks } from "./blocks.js";
import type { DropoutMasks } from "@rnnlm/core/backend";

/** Stored parameters keyed by canonical name (tied: no `decoder.weight`, it is `encoder.weight`). */
export type ParameterTensors = ReadonlyMap<string, tf.Tensor>;

export interface NetworkInput {
  /** Token ids, time-major (T·B). */
  readonly ids: Int32Array;
  /** Targets, time-major (T·B), or null for a forward pass without loss. */
  readonly targets: Int32Array | null;
  readonly steps: number;
  readonly batch: number;
  /** (layers, batch, hidden). */
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
  readonly masks: DropoutMasks | null;
  /** Keep what backward needs. */
  readonly record: boolean;
}

export interface NetworkRun {
  /** (T·B, V), time-major rows. */
  readonly logits: tf.Tensor;
  /** Mean cross-entropy, when targets were given. */
  readonly loss: tf.Scalar | null;
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
  /** d loss / d parameter keyed like the parameters; null unless recorded with targets. */
  readonly backward: (() => Map<string, tf.Tensor>) | null;
}

function param(params: ParameterTensors, name: string): tf.Tensor {
  const p = params.get(name);
  if (p === undefined) throw new Error(`internal: parameter ${name} missing`);
  return p;
}

/**
 * The whole model as a function of its parameters, with a hand-written backward pass.
 * Must run inside `tf.tidy`: it disposes nothing itself.
 */
export function runNetwork(spec: ModelSpec, params: ParameterTensors, input: NetworkInput): NetworkRun {
  const { steps, batch, masks, record } = input;
  const rows = steps * batch;
  const V = spec.vocabSize;
  const L = spec.numLayers;
  const cell = cellFor(spec.cell);
  const oneHot = spec.embeddingSize === null;
  const ids = tf.tensor1d(input.ids, "int32");
  const blocks = new Blocks();
  const H = spec.hiddenSize;
  const layersOf = (s: tf.Tensor) => blocks.splitRows(tf.reshape(s, [L * batch, H]), L);
  const h0s = layersOf(input.h);
  const c0s = input.c === null ? null : layersOf(input.c);

  // Layer inputs after dropout (what W_ih multiplies), kept for the weight gradients.
  const layerInputs: (tf.Tensor | null)[] = [];
  let oneHotInput: tf.Tensor | null = null;
  let embeddingMask: tf.Tensor | null = null;
  const runs: CellRun[] = [];
  const betweenMasks: (tf.Tensor | null)[] = [];
  let x: tf.Tensor | null = null;

  for (let k = 0; k < L; k++) {
    const wihT = param(params, `rnn.weight_ih_l${k}`);
    const bias = cell.inputBias(param(params, `rnn.bias_ih_l${k}`), param(params, `rnn.bias_hh_l${k}`));
    let xproj: tf.Tensor;
    if (k === 0 && oneHot) {
      // one-hot(x)·W_ihᵀ picks row x of W_ihᵀ; input dropout scales it by the mask entry at x.
      // A matmul with the (T·B, V) one-hot matrix: wasm's gather is far slower for many rows.
      const hot = new Float32Array(rows * V);
      for (let i = 0; i < rows; i++) hot[i * V + input.ids[i]] = masks?.input ? masks.input[i * V + input.ids[i]] : 1;
      oneHotInput = tf.tensor2d(hot, [rows, V]);
      xproj = tf.fused.matMul({ a: oneHotInput, b: wihT, bias });
      layerInputs.push(null);
    } else {
      if (k === 0) {
        x = tf.gather(param(params, "encoder.weight"), ids);
        if (masks?.input) {
          embeddingMask = tf.tensor2d(masks.input, [rows, spec.embeddingSize ?? 0]);
          x = tf.mul(x, embeddingMask);
        }
      }
      if (x === null) throw new Error("internal: no layer input");
      xproj = tf.fused.matMul({ a: x, b: wihT, bias });
      layerInputs.push(x);
    }
    const whhT = param(params, `rnn.weight_hh_l${k}`);
    const run = cell.run({
      xproj,
      h0: h0s[k],
      c0: c0s === null ? null : c0s[k],
      whhT,
      whh: () => tf.transpose(whhT),
      bhh: param(params, `rnn.bias_hh_l${k}`),
      steps,
      record,
      blocks,
    });
    runs.push(run);
    x = run.outputs;
    const mask = k < L - 1 ? (masks?.between[k] ?? null) : (masks?.output ?? null);
    const maskT = mask === null ? null : tf.tensor2d(mask, [rows, H]);
    betweenMasks.push(maskT);
    if (maskT !== null) x = tf.mul(x, maskT);
  }
  if (x === null) throw new Error("internal: no decoder input");
  const top = x;
  const decoderName = spec.tied ? "encoder.weight" : "decoder.weight";
  const decW = param(params, decoderName);
  const logits = tf.fused.matMul({ a: top, b: tf.transpose(decW), bias: param(params, "decoder.bias") });
  const h = tf.stack(runs.map((r) => r.h));
  const c = hasCellState(spec.cell) ? tf.stack(runs.map((r) => r.c as tf.Tensor)) : null;
  if (input.targets === null) return { logits, loss: null, h, c, backward: null };

  const targets = input.targets;
  const logProbs = tf.logSoftmax(logits);
  const flat = new Int32Array(rows);
  for (let i = 0; i < rows; i++) flat[i] = i * V + targets[i];
  const loss = tf.neg(tf.mean(tf.gather(tf.reshape(logProbs, [-1]), tf.tensor1d(flat, "int32")))) as tf.Scalar;
  if (!record) return { logits, loss, h, c, backward: null };

  const backward = (): Map<string, tf.Tensor> => {
    const grads = new Map<string, tf.Tensor>();
    const accumulate = (name: string, g: tf.Tensor) => {
      const prev = grads.get(name);
      grads.set(name, prev === undefined ? g : tf.add(prev, g));
    };
    const targetsT = tf.tensor1d(targets, "int32");
    // int32 one-hot then a cast: tfjs-backend-wasm 4.22's OneHot writes wrong float32 values.
    const dLogits = tf.mul(tf.sub(tf.exp(logProbs), tf.cast(tf.oneHot(targetsT, V), "float32")), tf.scalar(1 / rows));
    accumulate(decoderName, tf.matMul(tf.transpose(dLogits), top));
    accumulate("decoder.bias", tf.sum(dLogits, 0));
    let dOut = tf.matMul(dLogits, decW);
    const idsColumn = tf.reshape(ids, [rows, 1]);
    for (let k = L - 1; k >= 0; k--) {
      const maskT = betweenMasks[k];
      if (maskT !== null) dOut = tf.mul(dOut, maskT);
      const run = runs[k];
      if (run.backward === null) throw new Error("internal: layer not recorded");
      const { dGx, dGh, hPrev } = run.backward(dOut);
      const wihT = param(params, `rnn.weight_ih_l${k}`);
      accumulate(`rnn.weight_hh_l${k}`, tf.matMul(tf.transpose(hPrev), dGh));
      const dbx = tf.sum(dGx, 0);
      accumulate(`rnn.bias_ih_l${k}`, dbx);
      accumulate(`rnn.bias_hh_l${k}`, dGh === dGx ? dbx : tf.sum(dGh, 0));
      const xk = layerInputs[k];
      if (xk === null) {
        if (oneHotInput === null) throw new Error("internal: one-hot input missing");
        accumulate(`rnn.weight_ih_l${k}`, tf.matMul(tf.transpose(oneHotInput), dGx));
        continue;
      }
      accumulate(`rnn.weight_ih_l${k}`, tf.matMul(tf.transpose(xk), dGx));
      let dX = tf.matMul(dGx, tf.transpose(wihT));
      if (k > 0) {
        dOut = dX;
      } else {
        if (embeddingMask !== null) dX = tf.mul(dX, embeddingMask);
        accumulate("encoder.weight", tf.scatterND(idsColumn, dX, [V, spec.embeddingSize ?? 0]));
      }
    }
    return grads;
  };
  return { logits, loss, h, c, backward };
}
