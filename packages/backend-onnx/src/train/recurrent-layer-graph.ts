import { FLOAT, type GraphBuilder } from "./graph-builder.js";

/*
 * Names shared with backend-tfjs's cells (`src/cells/*-cell.ts`), so one review
 * covers both: `giAll` the input projection of every step (time-major rows); gates in PyTorch
 * order — LSTM `i, f, g, o` with `tanhC` = tanh(c'), GRU `r, z, n` with `ghN` = W_hn·h + b_hn;
 * their stacks over all steps in capitals (`I, F, G, O, TanhC`, `CPrevAll`; `R, Z, N, GhN`);
 * `yAll` the outputs, `hPrevAll` the state each step read. Backward factors computed once for
 * all steps: LSTM `K` = o⊙(1 − tanh²c') and `P` (per gate), GRU `Q` = (1 − z)(1 − n²), `Pr`,
 * `Pz`, `Pi` = [Pr, Pz, Q], `Ph` = [Pr, Pz, Q⊙r], Elman `D` = act′; per step `dh`, `dc`, the
 * pre-activation gradient `dA` (= `dGi` = `dGh` but for GRU), `dOut` the gradient arriving from
 * above, `dhFromNext`/`dcFromNext` what step t + 1 sends back.
 *
 * Each recurrence (forward, and backward through time) is one ONNX `Scan` whose body is a single
 * step: against the same step unrolled over the window, the scan slices its inputs and stacks
 * its outputs itself (no Split/Concat over all steps) and its session opens in a few
 * milliseconds instead of tens.
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

/** What backward needs from the caller. */
export interface LayerGradientInput {
  /** d loss / d (every step's output), (steps·batch, hidden). */
  readonly dOut: string;
}

/**
 * d loss / d (pre-activation parts), (steps·batch, gates·hidden), time-major rows:
 * `dGi` for `W_ih·x + b_ih`, `dGh` for `W_hh·h + b_hh` (the same tensor for RNN and LSTM);
 * and `hPrevAll` (steps·batch, hidden), the state each step read, for W_hh's gradient.
 */
export interface LayerGradients {
  readonly dGi: string;
  readonly dGh: string;
  readonly hPrevAll: string;
}

/** The recurrence of one layer over the window, and its backpropagation through time. */
export interface LayerGraph {
  /** Every step's output (= new h), (steps·batch, hidden). */
  readonly yAll: string;
  readonly hT: string;
  readonly cT: string | null;
  backward(input: LayerGradientInput): LayerGradients;
}

/** One step's graph, the body of a `Scan`: its inputs and outputs are (batch, width) slices. */
export class StepBody {
  readonly b: GraphBuilder;

  constructor(
    private readonly g: GraphBuilder,
    private readonly batch: number,
  ) {
    this.b = g.subgraph();
  }

  /** A body input (state, then scanned slices, in the order the scan is given them). */
  input(hint: string, width: number): string {
    return this.b.input(this.g.fresh(hint), FLOAT, [this.batch, width]);
  }

  /** A body output (new state, then scanned outputs, in that order). */
  output(value: string, width: number): void {
    this.b.output(value, value, FLOAT, [this.batch, width]);
  }

  /** A body output holding a copy of `value` (a value both new state and scanned out). */
  outputCopy(value: string, width: number): void {
    this.b.output(this.g.fresh("step_out"), value, FLOAT, [this.batch, width]);
  }
}

/** (steps·batch, width) rows as the (steps, batch, width) a scan slices. */
export function bySteps(g: GraphBuilder, all: string, steps: number, batch: number, width: number): string {
  return g.reshape(all, [steps, batch, width]);
}

/** A scan output (steps, batch, width) as (steps·batch, width) rows. */
export function stepRows(g: GraphBuilder, stacked: string, steps: number, batch: number, width: number): string {
  return g.reshape(stacked, [steps * batch, width]);
}

/** The state each step read: `first`, then every step's new state but the last's. */
export function previousRows(g: GraphBuilder, first: string, all: string, steps: number, batch: number): string {
  if (steps === 1) return first;
  const [allButLast] = g.split(all, 0, 2, [(steps - 1) * batch, batch]);
  return g.concat([first, allButLast], 0);
}
