import type { ConfigKey } from "./run-config.js";

/**
 * The values each numeric config key accepts, in words for error messages (kept next to the
 * schema's checks in run-config.ts), with an example of a good value.
 */
export const NUMERIC_RANGES: Partial<Record<ConfigKey, { readonly allowed: string; readonly example: string }>> = {
  emsize: { allowed: "an integer ≥ 0 (0 = one-hot input)", example: "200" },
  nhid: { allowed: "an integer ≥ 1", example: "256" },
  nlayers: { allowed: "an integer ≥ 1", example: "2" },
  lr: { allowed: "a number > 0", example: "1" },
  clip: { allowed: "a number ≥ 0 (0 = no clipping)", example: "1" },
  epochs: { allowed: "an integer ≥ 0", example: "10" },
  batchSize: { allowed: "an integer ≥ 1", example: "32" },
  bptt: { allowed: "an integer ≥ 1", example: "35" },
  dropout: { allowed: "a number in [0, 1)", example: "0.2" },
  seed: { allowed: `an integer in [0, ${Number.MAX_SAFE_INTEGER}]`, example: "1" },
  maxTokens: { allowed: "an integer ≥ 1, or all", example: "10000" },
  logInterval: { allowed: "an integer ≥ 0 (0 = epoch lines only)", example: "200" },
  evalBatchSize: { allowed: "an integer ≥ 1", example: "10" },
};
