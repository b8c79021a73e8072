/** What the runtimes print on their own that a user of the CLI has no use for. */
const TFJS_NODE_BANNER = "looks like you are running TensorFlow.js in Node.js";

/**
 * Keeps the runtimes quiet unless `RNNLM_DEBUG=1`: ONNX Runtime's telemetry is switched off
 * (no network at run time; with a read-only HOME it also printed a coloured "Failed to persist
 * telemetry device ID" warning) and TensorFlow.js's "install tfjs-node" banner is dropped.
 * Call before any backend loads: ONNX Runtime reads the variable when it starts.
 */
export function quietNativeLogs(env: NodeJS.ProcessEnv): void {
  // Telemetry stays off even when debugging: a product with no network at run time.
  env.ORT_DISABLE_TELEMETRY = "1";
  if (env.RNNLM_DEBUG === "1") return;
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]): void => {
    if (typeof args[0] === "string" && args[0].includes(TFJS_NODE_BANNER)) return;
    warn(...args);
  };
}
