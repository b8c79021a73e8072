import type { TrainEvent } from "@rnnlm/core";
import type { CliOutput } from "./cli-output.js";
import { formatPerplexity, lossFigures } from "./loss-figures.js";

export interface ProgressOptions {
  /** Total epochs of the run. */
  readonly epochs: number;
  /** Batches between plain log lines (not on a terminal); 0 = epoch lines only. */
  readonly logInterval: number;
  /** Current learning rate, for the log lines. */
  readonly learningRate: () => number;
  /** Character tokens: validation lines add bits per character. */
  readonly charLevel?: boolean;
  /** Milliseconds between redraws of the bar (default 100). */
  readonly redrawMs?: number;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

function rate(tokensPerSecond: number): string {
  return tokensPerSecond >= 1000 ? `${(tokensPerSecond / 1000).toFixed(1)}k` : tokensPerSecond.toFixed(0);
}

const ppl = formatPerplexity;

/**
 * Shows training progress: on a terminal a live bar per epoch (batches, loss, perplexity,
 * tokens/s, ETA); otherwise plain lines every `logInterval` batches. After each epoch, a
 * line like PyTorch's `word_language_model` prints.
 */
export class ProgressReporter {
  private lastDraw = 0;
  private barShown = false;
  private readonly epochWidth: number;

  constructor(
    private readonly out: CliOutput,
    private readonly options: ProgressOptions,
  ) {
    this.epochWidth = String(Math.max(1, options.epochs)).length;
  }

  readonly onEvent = (event: TrainEvent): void => {
    if (event.type === "step") this.step(event);
    else if (event.type === "epoch") this.epoch(event);
    else {
      this.clearBar();
      this.out.write(`| interrupted in epoch ${event.epoch} after batch ${event.batch}\n`);
    }
  };

  private step(event: Extract<TrainEvent, { type: "step" }>): void {
    if (this.out.isTTY) {
      const now = Date.now();
      if (event.batch < event.batches && now - this.lastDraw < (this.options.redrawMs ?? 100)) return;
      this.lastDraw = now;
      const width = 24;
      const filled = Math.round((event.batch / Math.max(1, event.batches)) * width);
      const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
      const eta = (event.seconds / event.batch) * (event.batches - event.batch);
      const line =
        `epoch ${String(event.epoch).padStart(this.epochWidth)}/${this.options.epochs} ${bar} ` +
        `${event.batch}/${event.batches} | loss ${event.loss.toFixed(3)} | ppl ${ppl(event.perplexity)} | ` +
        `${rate(event.tokensPerSecond)} tok/s | ETA ${duration(eta)}`;
      const columns = this.out.columns !== undefined && this.out.columns > 40 ? this.out.columns : 120;
      this.out.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
      this.barShown = true;
      return;
    }
    const every = this.options.logInterval;
    if (every > 0 && event.batch % every === 0) {
      const msPerBatch = (event.seconds * 1000) / event.batch;
      this.out.write(
        `| epoch ${String(event.epoch).padStart(3)} | ${String(event.batch).padStart(5)}/${String(event.batches).padStart(5)} batches | ` +
          `lr ${this.options.learningRate().toPrecision(4)} | ms/batch ${msPerBatch.toFixed(2)} | ` +
          `loss ${event.loss.toFixed(2)} | ppl ${ppl(event.perplexity)}\n`,
      );
    }
  }

  private epoch(event: Extract<TrainEvent, { type: "epoch" }>): void {
    this.clearBar();
    const r = event.record;
    const valid =
      r.validPerplexity === null
        ? ""
        : ` | ${lossFigures("valid", r.validPerplexity, this.options.charLevel ?? false)}${event.improved ? " *" : ""}`;
    this.out.write(
      `| end of epoch ${String(r.epoch).padStart(this.epochWidth)} | time: ${r.seconds.toFixed(1)}s | lr ${r.learningRate.toPrecision(4)} | ` +
        `train ppl ${ppl(r.trainPerplexity)}${valid} | ${rate(r.tokensPerSecond)} tok/s\n`,
    );
  }

  /** Removes the live bar (before other output or at the end). */
  clearBar(): void {
    if (this.barShown) this.out.write("\r\x1b[2K");
    this.barShown = false;
  }
}
