import type { GraphBuilder } from "./graph-builder.js";

/*
 * Names shared with backend-tfjs's cells (`src/cells/*-cell.ts`), so one review
 * covers both: `giAll` the input projection of every step (time-major rows), split per step
 * into `gi`; gates in PyTorch order — LSTM `i, f, g, o` with `tanhC` = tanh(c'), GRU `r, z, n`
 * with `ghN` = W_hn·h + b_hn; their stacks over all steps in capitals (`I, F, G, O, TanhC`,
 * `CPrevAll`; `R, Z, N, GhN`); `yAll` the outputs, `hPrevAll` the state each step read. Backward
 * factors computed once for all steps: LSTM `K` = o⊙(1 − tanh²c') and `P` (per gate), GRU `Q` =
 * (1 − z)(1 − n²), `Pr`, `Pz`, `Pi` = [Pr, Pz, Q], `Ph` = [Pr, Pz, Q⊙r], Elman `D` = act′; per
 * step `dh`, `dc`, the pre-activation gradient `dA` (= `dGi` = `dGh` but for GRU), `dOut` the
 * gradient arriving from above, `dhFromNext`/`dcFromNext` what step t + 1 sends back.
 */

/** What one recurrent layer's graph needs: the unrolled window and its own tensors. */
export interface LayerGraphInput {
  readonly g: GraphBuilder;
  readonly steps: number;
  readonly batch: number;
  readonly hidden: number;
  /**
   * The input projection of every step, (steps·batch, gates·hidden) time-major: `W_ih·x + b_ih`,
   * plus `b_hh` for the cells whose `W_hh·h + b_hh` is not needed on its own (RNN, LSTM).
   */
  readonly giAll: string;
  readonly whh: string;
  /** `bias_hh` (GRU only: the reset gate multiplies `W_hn·h + b_hn`). */
  readonly bhh: string;
  readonly h0: string;
  /** LSTM only. */
  readonly c0: string | null;
  /** Whether a backward pass will be asked for (keeps what it needs). */
  readonly training: boolean;
}

/** What backward needs from the caller: d loss / d (every step's output), and stacked tensors. */
export interface LayerGradientInput {
  /** (batch, hidden) per step. */
  readonly dOut: readonly string[];
  /** (steps·batch, hidden): the state each step started from. */
  readonly hPrevAll: string;
  /** (steps·batch, hidden): every step's output. */
  readonly yAll: string;
}

/**
 * d loss / d (pre-activation parts), (steps·batch, gates·hidden), time-major rows:
 * `dGi` for `W_ih·x + b_ih`, `dGh` for `W_hh·h + b_hh` (the same tensor for RNN and LSTM).
 */
export interface LayerGradients {
  readonly dGi: string;
  readonly dGh: string;
}

/** The unrolled recurrence of one layer, and its backpropagation through time. */
export interface LayerGraph {
  /** The output (= new h) of every step, (batch, hidden) each. */
  readonly ys: readonly string[];
  readonly hT: string;
  readonly cT: string | null;
  backward(input: LayerGradientInput): LayerGradients;
}
