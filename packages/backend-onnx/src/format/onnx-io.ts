/**
 * Names of the exported graph's inputs and outputs (the file's calling convention):
 * - `ids`: int32 (steps, batch), time-major token ids;
 * - `h0` (and `c0` for LSTM): float32 (layers, batch, hidden), the state to start from;
 * - `logits`: float32 (steps · batch, vocab), time-major rows `t·batch + b`;
 * - `hn` (and `cn`): float32 (layers, batch, hidden), the state after the last step.
 */
export const ONNX_IO = {
  ids: "ids",
  h0: "h0",
  c0: "c0",
  logits: "logits",
  hn: "hn",
  cn: "cn",
} as const;

/** Names of the recurrent initializers of layer `k`, in ONNX layout and gate order. */
export function recurrentInitializerNames(k: number): { W: string; R: string; B: string } {
  return { W: `rnn.W_l${k}`, R: `rnn.R_l${k}`, B: `rnn.B_l${k}` };
}
