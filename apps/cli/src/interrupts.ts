/**
 * Ctrl-C handling. While a command has made itself stoppable (training), the first SIGINT
 * aborts {@link signal} so the step finishes and a checkpoint is written; any other SIGINT
 * (a second one, or one while nothing is stoppable) means "exit now".
 */
export class Interrupts {
  private readonly controller = new AbortController();
  private stoppable = false;

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Training calls this while it can stop cleanly. */
  setStoppable(stoppable: boolean): void {
    this.stoppable = stoppable;
  }

  /** What a SIGINT should do now. */
  interrupt(): "stop-gracefully" | "exit-now" {
    if (this.stoppable && !this.controller.signal.aborted) {
      this.controller.abort();
      return "stop-gracefully";
    }
    return "exit-now";
  }
}
