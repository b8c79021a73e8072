/**
 * `@rnnlm/cli`: the `rnnlm` command. The binary is `dist/bin.js`; this entry exposes the same
 * commands for programs and tests that want to run them in-process.
 */
export { CapturedOutput, type CliContext, type CliOutput, streamOutput } from "./cli-output.js";
export { CONFIG_FLAGS } from "./config-keys.js";
export { Interrupts } from "./interrupts.js";
export { renderPerplexitySvg } from "./perplexity-plot.js";
export { presetNames, presetsDir } from "./presets.js";
export { runCli } from "./run-cli.js";
export { DEFAULT_CONFIG, type RunConfig, runConfigSchema } from "./run-config.js";
export { UsageError } from "./usage-error.js";
