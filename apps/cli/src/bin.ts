#!/usr/bin/env node
import { streamOutput } from "./cli-output.js";
import { Interrupts } from "./interrupts.js";
import { runCli } from "./run-cli.js";

const interrupts = new Interrupts();
const stderr = streamOutput(process.stderr);
process.on("SIGINT", () => {
  if (interrupts.interrupt() === "exit-now") {
    stderr.write("\nrnnlm: interrupted\n");
    process.exit(130);
  }
  stderr.write("\nrnnlm: stopping after this step and saving a checkpoint (Ctrl-C again to quit now)\n");
});

const code = await runCli(process.argv.slice(2), {
  stdout: streamOutput(process.stdout),
  stderr,
  env: process.env,
  interrupts,
});
process.exitCode = code;
