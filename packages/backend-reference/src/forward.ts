import { inputSize, type ModelSpec } from "@rnnlm/core";
import type { DropoutMasks as CoreDropoutMasks } from "@rnnlm/core/backend";
import { type CellForward, cellKernel } from "./cell.js";

type DropoutMasks = CoreDropoutMasks<Float64Array>;

import { addMatVec, masked } from "./matrix.js";
import { decoderWeight, type Parameters } from "./parameters.js";

/** What one (layer, t, b) step saw and produced, kept for backpropagation through time. */
export interface StepRecord {
  /** The layer's input at (t, b), after dropout. */
  readonly x: Float64Array;
  readonly hPrev: Float64Array;
  readonly cPrev: Float64Array | null;
  readonly out: CellForward;
}

/** Everything the backward pass needs from a forward pass. */
export interface ForwardTrace {
  readonly spec: ModelSpec;
  readonly ids: Int32Array;
  readonly steps: number;
  readonly batch: number;
  readonly masks: DropoutMasks;
  /** `layers[k][t·batch + b]`. */
  readonly layers: StepRecord[][];
  /** Decoder input per row `t·batch + b`: the last layer's h after output dropout. */
  readonly top: Float64Array[];
  /** (steps·batch, V), time-major rows. */
  readonly logits: Float64Array;
  /** Final states (layers, batch, H); `c` only for LSTM. */
  readonly h: Float64Array;
  readonly c: Float64Array | null;
}

/** Slice `(t·batch + b)·width … + width` of a time-major mask, or null. */
export function maskRow(mask: Float64Array | null, row: number, width: number): Float64Array | null {
  return mask === null ? null : mask.subarray(row * width, (row + 1) * width);
}

/** The first layer's input at one position: an embedding row, or a one-hot vector. */
function embed(spec: ModelSpec, params: Parameters, id: number): Float64Array {
  const E = inputSize(spec);
  if (spec.embeddingSize === null) {
    const x = new Float64Array(E);
    x[id] = 1;
    return x;
  }
  return params["encoder.weight"].slice(id * E, (id + 1) * E);
}

/**
 * Runs the model over `steps` time-major positions from states `h0` (and `c0`), each
 * (layers, batch, H) row-major. Inputs are assumed valid (the model checks them).
 */
export function forwardPass(
  spec: ModelSpec,
  params: Parameters,
  ids: Int32Array,
  steps: number,
  batch: number,
  h0: Float64Array,
  c0: Float64Array | null,
  masks: DropoutMasks,
): ForwardTrace {
  const H = spec.hiddenSize;
  const V = spec.vocabSize;
  const rows = steps * batch;
  const kernel = cellKernel(spec.cell);
  const h = new Float64Array(spec.numLayers * batch * H);
  const c = c0 === null ? null : new Float64Array(c0.length);

  // Layer inputs, one vector per row t·batch + b.
  let inputs: Float64Array[] = [];
  for (let row = 0; row < rows; row++) {
    inputs.push(masked(embed(spec, params, ids[row]), maskRow(masks.input, row, inputSize(spec))));
  }

  const layers: StepRecord[][] = [];
  for (let k = 0; k < spec.numLayers; k++) {
    const Wih = params[`rnn.weight_ih_l${k}`];
    const Whh = params[`rnn.weight_hh_l${k}`];
    const bih = params[`rnn.bias_ih_l${k}`];
    const bhh = params[`rnn.bias_hh_l${k}`];
    const records: StepRecord[] = new Array(rows);
    for (let b = 0; b < batch; b++) {
      const at = (k * batch + b) * H;
      let hPrev: Float64Array = h0.slice(at, at + H);
      let cPrev: Float64Array | null = c0 === null ? null : c0.slice(at, at + H);
      for (let t = 0; t < steps; t++) {
        const row = t * batch + b;
        const x = inputs[row];
        const gi = Float64Array.from(bih);
        addMatVec(gi, Wih, x);
        const gh = Float64Array.from(bhh);
        addMatVec(gh, Whh, hPrev);
        const out = kernel.forward(gi, gh, hPrev, cPrev);
        records[row] = { x, hPrev, cPrev, out };
        hPrev = out.h;
        cPrev = out.c;
      }
      h.set(hPrev, at);
      if (c !== null && cPrev !== null) c.set(cPrev, at);
    }
    layers.push(records);
    const dropout = k < spec.numLayers - 1 ? masks.between[k] : masks.output;
    inputs = records.map((r, row) => masked(r.out.h, maskRow(dropout, row, H)));
  }

  const Wdec = decoderWeight(spec, params);
  const bdec = params["decoder.bias"];
  const logits = new Float64Array(rows * V);
  for (let row = 0; row < rows; row++) {
    const z = logits.subarray(row * V, (row + 1) * V);
    z.set(bdec);
    addMatVec(z, Wdec, inputs[row]);
  }
  return { spec, ids, steps, batch, masks, layers, top: inputs, logits, h, c };
}
