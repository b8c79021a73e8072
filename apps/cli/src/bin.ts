#!/usr/bin/env node
import { writeSync } from "node:fs";
import { streamOutput } from "./cli-output.js";
import { Interrupts, STOP_SIGNALS, type StopSignal } from "./interrupts.js";
import { quietNativeLogs } from "./quiet-native-logs.js";
import { runCli } from "./run-cli.js";

quietNativeLogs(process.env);
const interrupts = new Interrupts();

/** Writes to stderr synchronously: process.exit would drop a pending write to a pipe. */
function lastWords(text: string): void {
  try {
    writeSync(2, text);
  } catch {
    // stderr is gone too
  }
}
const stderr = streamOutput(process.stderr);
for (const name of Object.keys(STOP_SIGNALS) as StopSignal[]) {
  process.on(name, () => {
    if (interrupts.interrupt(name) === "exit-now") {
      lastWords(`\nrnnlm: interrupted (${name})\n`);
      process.exit(STOP_SIGNALS[name]);
    }
    stderr.write(`\nrnnlm: ${name}: stopping after this step and saving a checkpoint (again to quit now)\n`);
  });
}

// stdout closed by the reader (`rnnlm generate … | head`): stop quietly with 0 as `cat` does;
// training stops after the step and saves. Any other write error (a full disk): one line.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (interrupts.stopQuietly()) return;
  if (error.code === "EPIPE") process.exit(0);
  lastWords(
    `rnnlm: error: cannot write to stdout (${error.code ?? error.message}); free space on the device or send the output elsewhere\n`,
  );
  process.exit(1);
});
process.stderr.on("error", () => {
  // Nowhere left to report it.
});

const code = await runCli(process.argv.slice(2), {
  stdout: streamOutput(process.stdout),
  stderr,
  env: process.env,
  interrupts,
});
process.exitCode = code;
