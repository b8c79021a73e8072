import type * as tf from "@tensorflow/tfjs-core";
import type { Blocks } from "../blocks.js";
import type { Derive } from "../derived-tensors.js";

/*
 * Names shared with backend-onnx's layer graphs (`src/train/*-layer-graph.ts`), so one review
 * covers both: `giAll` the input projection of every step (time-major rows), split per step
 * into `gi`; gates in PyTorch order — LSTM `i, f, g, o` with `tanhC` = tanh(c'), GRU `r, z, n`
 * with `ghN` = W_hn·h + b_hn; their stacks over all steps in capitals (`I, F, G, O, TanhC`,
 * `CPrevAll`; `R, Z, N, GhN`); `yAll` the outputs, `hPrevAll` the state each step read. Backward
 * factors computed once for all steps: LSTM `K` = o⊙(1 − tanh²c') and `P` (per gate), GRU `Q` =
 * (1 − z)(1 − n²), `Pr`, `Pz`, `Pi` = [Pr, Pz, Q], `Ph` = [Pr, Pz, Q⊙r], Elman `D` = act′; per
 * step `dh`, `dc`, the pre-activation gradient `dA` (= `dGi` = `dGh` but for GRU), `dOut` the
 * gradient arriving from above, `dhFromNext`/`dcFromNext` what step t + 1 sends back.
 */

/** Gradients a cell hands back to its layer after backpropagating through all steps. */
export interface CellGrads {
  /** d loss / d (x·W_ihᵀ + b_ih) for every step, (T·B, G), time-major rows. */
  readonly dGi: tf.Tensor;
  /** d loss / d (h·W_hhᵀ + b_hh) for every step, (T·B, G); the same tensor as `dGi` except for GRU. */
  readonly dGh: tf.Tensor;
  /** The state each step read, h_0 … h_{T-1}, (T·B, H): `W_hh`'s gradient is `hPrevᵀ·dGh`. */
  readonly hPrevAll: tf.Tensor;
}

/** One recurrent layer run over all steps. */
export interface CellRun {
  /** h_1 … h_T stacked, (T·B, H). */
  readonly yAll: tf.Tensor;
  readonly h: tf.Tensor;
  readonly c: tf.Tensor | null;
  /**
   * Backpropagation through time given d loss / d yAll (T·B, H); null when the run was
   * not recorded. The final state gets no gradient: states are detached between batches.
   */
  readonly backward: ((dYAll: tf.Tensor) => CellGrads) | null;
}

export interface CellInputs {
  /** x·W_ihᵀ + {@link FusedCell.inputBias} for all steps, (T·B, G). */
  readonly giAll: tf.Tensor;
  readonly h0: tf.Tensor;
  readonly c0: tf.Tensor | null;
  /** W_hhᵀ, (H, G). */
  readonly whhT: tf.Tensor;
  /** W_hh, (G, H), for the backward pass (wasm matmuls with a transposed operand are slow). */
  readonly whh: () => tf.Tensor;
  readonly bhh: tf.Tensor;
  readonly steps: number;
  /** Keep what backward needs. */
  readonly record: boolean;
  readonly blocks: Blocks;
  /** Tensors made from parameters only (gate blocks of W_hhᵀ), kept between calls where the caller can. */
  readonly derive: Derive;
}

/**
 * A recurrent cell with its step written out by hand: the input projection of all steps is
 * one matmul done by the layer, cut once into per-step (and per-gate) blocks; each step costs
 * one matmul per gate and a few elementwise ops and cuts no tensor (every cut is a dispatch,
 * and on wasm an expensive one); the backward pass is explicit BPTT whose per-step factors
 * are computed for all steps at once. Must run inside `tf.tidy` (intermediates are not
 * disposed here).
 */
export interface FusedCell {
  /** The bias folded into the batched input projection. */
  inputBias(bih: tf.Tensor, bhh: tf.Tensor): tf.Tensor;
  run(inputs: CellInputs): CellRun;
}
