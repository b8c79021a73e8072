/** Signals that stop rnnlm like Ctrl-C, with the exit code each gives (128 + its number). */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type StopSignal = keyof typeof STOP_SIGNALS;

/**
 * Ctrl-C handling (and SIGTERM, SIGHUP: a closed ssh session, `docker stop`, Slurm). While a
 * command has made itself stoppable (training), the first such signal aborts {@link signal}
 * so the step finishes and a checkpoint is written; any other (a second one, or one while
 * nothing is stoppable) means "exit now".
 */
export class Interrupts {
  private readonly controller = new AbortController();
  private stoppable = false;
  private stopCode: number | null = null;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The exit code of the signal that stopped the command (130 for Ctrl-C). */
  get exitCode(): number {
    return this.stopCode ?? STOP_SIGNALS.SIGINT;
  }

  /** Training calls this while it can stop cleanly. */
  setStoppable(stoppable: boolean): void {
    this.stoppable = stoppable;
  }

  /** What a stop signal should do now. */
  interrupt(signal: StopSignal = "SIGINT"): "stop-gracefully" | "exit-now" {
    if (this.stoppable && !this.controller.signal.aborted) {
      this.stopCode = STOP_SIGNALS[signal];
      this.controller.abort();
      return "stop-gracefully";
    }
    return "exit-now";
  }

  /**
   * A stop that is not the user's (stdout went away): while training, stop gracefully (also
   * when a stop is already under way) and return true; otherwise return false.
   */
  stopQuietly(): boolean {
    if (!this.stoppable) return false;
    if (!this.controller.signal.aborted) this.controller.abort();
    return true;
  }
}
