import { readFile } from "node:fs/promises";
import type { TrainEvent } from "@rnnlm/core";

/** One line of `metrics.jsonl`: a log interval (`"log"`) or the end of an epoch (`"epoch"`). */
export interface MetricsLine {
  readonly type: "log" | "epoch";
  readonly epoch: number;
  /** Optimisation steps since the run began (batches of all epochs so far). */
  readonly step: number;
  readonly lr: number;
  /** Mean cross-entropy per token: of the last batch (log) or of the epoch (epoch). */
  readonly loss: number;
  /** Training perplexity: the epoch's running value (log) or the whole epoch's (epoch). */
  readonly ppl: number;
  readonly tokPerSec: number;
  /** Validation perplexity after the epoch; null on log lines and without validation data. */
  readonly valid: number | null;
}

/**
 * The machine-readable training log beside perplexity.svg: one JSON object per line, for
 * every `logInterval` batches and every epoch, kept in memory and rewritten atomically with
 * each checkpoint so it never describes steps the saved run does not have.
 */
export class MetricsLog {
  private readonly lines: string[];
  /** Steps of the epochs finished before the current one (epochs may differ in batches). */
  private stepsBefore = 0;
  private batchesThisEpoch = 0;

  constructor(
    private readonly logInterval: number,
    previous: readonly string[] = [],
  ) {
    this.lines = [...previous];
    for (const line of previous) {
      const parsed = JSON.parse(line) as Partial<MetricsLine>;
      if (parsed.type === "epoch" && typeof parsed.step === "number") this.stepsBefore = parsed.step;
    }
  }

  /** The lines of an existing log (a resumed run continues it); none when there is no file. */
  static async readPrevious(path: string): Promise<string[]> {
    try {
      return (await readFile(path, "utf8")).split("\n").filter((line) => line.trim() !== "");
    } catch {
      return [];
    }
  }

  /** Records a training event; `lr` is the model's learning rate now. */
  onEvent(event: TrainEvent, lr: number): void {
    if (event.type === "step") {
      this.batchesThisEpoch = event.batches;
      if (this.logInterval > 0 && event.batch % this.logInterval === 0) {
        this.push({
          type: "log",
          epoch: event.epoch,
          step: this.stepsBefore + event.batch,
          lr,
          loss: event.loss,
          ppl: event.perplexity,
          tokPerSec: event.tokensPerSecond,
          valid: null,
        });
      }
    } else if (event.type === "epoch") {
      const r = event.record;
      this.stepsBefore += this.batchesThisEpoch;
      this.push({
        type: "epoch",
        epoch: r.epoch,
        step: this.stepsBefore,
        lr: r.learningRate,
        loss: r.trainLoss,
        ppl: r.trainPerplexity,
        tokPerSec: r.tokensPerSecond,
        valid: r.validPerplexity,
      });
    }
  }

  text(): string {
    return this.lines.map((line) => `${line}\n`).join("");
  }

  private push(line: MetricsLine): void {
    this.lines.push(JSON.stringify(line));
  }
}
