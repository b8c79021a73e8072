import { inputSize } from "@rnnlm/core";
import { cellKernel } from "./cell.js";
import { softmaxCrossEntropy } from "./cross-entropy.js";
import { type ForwardTrace, maskRow } from "./forward.js";
import { addInPlace, addMatTVec, addOuter, masked } from "./matrix.js";
import { decoderWeight, type Parameters, zerosLike } from "./parameters.js";

/**
 * Mean cross-entropy of `trace` against `targets` and its exact gradient with respect to
 * every parameter, by backpropagation through time over the whole window (the initial
 * state is a constant: detached, as between windows in training).
 */
export function backwardPass(
  params: Parameters,
  trace: ForwardTrace,
  targets: Int32Array,
): { loss: number; grads: Parameters } {
  const { spec, steps, batch, masks } = trace;
  const H = spec.hiddenSize;
  const V = spec.vocabSize;
  const rows = steps * batch;
  const kernel = cellKernel(spec.cell);
  const grads = zerosLike(spec, params);
  const { loss, dlogits } = softmaxCrossEntropy(trace.logits, targets, V);

  // Decoder: z = W_dec·y + b_dec. With tied weights W_dec is encoder.weight and the
  // gradient lands (summed) on that one parameter.
  const Wdec = decoderWeight(spec, params);
  const dWdec = decoderWeight(spec, grads);
  const dbdec = grads["decoder.bias"];
  let dOut: Float64Array[] = [];
  for (let row = 0; row < rows; row++) {
    const dz = dlogits.subarray(row * V, (row + 1) * V);
    addOuter(dWdec, dz, trace.top[row]);
    addInPlace(dbdec, dz);
    const dy = new Float64Array(H);
    addMatTVec(dy, Wdec, dz);
    dOut.push(masked(dy, maskRow(masks.output, row, H)));
  }

  for (let k = spec.numLayers - 1; k >= 0; k--) {
    const records = trace.layers[k];
    const Wih = params[`rnn.weight_ih_l${k}`];
    const Whh = params[`rnn.weight_hh_l${k}`];
    const dWih = grads[`rnn.weight_ih_l${k}`];
    const dWhh = grads[`rnn.weight_hh_l${k}`];
    const dbih = grads[`rnn.bias_ih_l${k}`];
    const dbhh = grads[`rnn.bias_hh_l${k}`];
    const inWidth = k === 0 ? inputSize(spec) : H;
    const dInputs: Float64Array[] = new Array(rows);
    for (let b = 0; b < batch; b++) {
      // Gradient flowing back into (h, c) from step t + 1.
      let dhNext = new Float64Array(H);
      let dcNext: Float64Array | null = spec.cell === "lstm" ? new Float64Array(H) : null;
      for (let t = steps - 1; t >= 0; t--) {
        const row = t * batch + b;
        const rec = records[row];
        const dh = Float64Array.from(dOut[row]);
        addInPlace(dh, dhNext);
        const back = kernel.backward(rec.out, dh, dcNext, rec.hPrev, rec.cPrev);
        addOuter(dWih, back.dgi, rec.x);
        addInPlace(dbih, back.dgi);
        addOuter(dWhh, back.dgh, rec.hPrev);
        addInPlace(dbhh, back.dgh);
        const dx = new Float64Array(inWidth);
        addMatTVec(dx, Wih, back.dgi);
        dInputs[row] = dx;
        dhNext = back.dhDirect === null ? new Float64Array(H) : Float64Array.from(back.dhDirect);
        addMatTVec(dhNext, Whh, back.dgh);
        dcNext = back.dcPrev;
      }
    }
    const dropout = k === 0 ? masks.input : masks.between[k - 1];
    dOut = dInputs.map((dx, row) => masked(dx, maskRow(dropout, row, inWidth)));
  }

  // dOut now holds d loss / d (first-layer input before dropout): embedding rows.
  if (spec.embeddingSize !== null) {
    const E = spec.embeddingSize;
    const dE = grads["encoder.weight"];
    for (let row = 0; row < rows; row++) {
      addInPlace(dE.subarray(trace.ids[row] * E, (trace.ids[row] + 1) * E), dOut[row]);
    }
  }
  return { loss, grads };
}

/** Mean cross-entropy only (no gradient). */
export function lossOf(trace: ForwardTrace, targets: Int32Array): number {
  return softmaxCrossEntropy(trace.logits, targets, trace.spec.vocabSize).loss;
}
