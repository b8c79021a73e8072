import type { Interrupts } from "./interrupts.js";

/** Where a command writes: the terminal in the `rnnlm` binary, a buffer in tests and the main job. */
export interface CliOutput {
  write(text: string): void;
  /** True when the output is an interactive terminal (progress bars instead of plain lines). */
  readonly isTTY: boolean;
  /** Terminal width, when known. */
  readonly columns?: number;
}

/** The process's stdout or stderr as a {@link CliOutput}. */
export function streamOutput(stream: NodeJS.WriteStream): CliOutput {
  return {
    write: (text) => {
      // After a write error (a closed pipe) the stream is destroyed: drop what follows.
      if (!stream.destroyed) stream.write(text);
    },
    get isTTY() {
      return stream.isTTY === true;
    },
    get columns() {
      return stream.columns;
    },
  };
}

/** Collects what a command prints, optionally echoing it to another output. */
export class CapturedOutput implements CliOutput {
  text = "";
  readonly isTTY = false;
  constructor(private readonly echo?: CliOutput) {}
  write(text: string): void {
    this.text += text;
    this.echo?.write(text);
  }
}

/** A function that prints `rnnlm: warning: <message>` on the command's stderr. */
export function warningsTo(ctx: Pick<CliContext, "stderr">): (message: string) => void {
  return (message) => ctx.stderr.write(`rnnlm: warning: ${message}\n`);
}

/** The outputs and environment every command receives. */
export interface CliContext {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Ctrl-C handling: training stops after the current step on the first one. */
  readonly interrupts?: Interrupts;
}
