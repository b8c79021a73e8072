import type { BatchSource, TokenBatch } from "../src/index.js";

/**
 * A batch source over a repeating token pattern: `count` batch-major (B, T) batches per
 * epoch, contents shifted by the epoch so epochs differ deterministically.
 */
export function patternSource(options: {
  pattern: number[];
  batch: number;
  steps: number;
  count: number;
  carriesState: boolean;
}): BatchSource {
  const { pattern, batch, steps, count } = options;
  return {
    carriesState: options.carriesState,
    countBatches: () => count,
    *epoch(e: number): Iterable<TokenBatch> {
      for (let j = 0; j < count; j++) {
        const x = new Int32Array(batch * steps);
        const y = new Int32Array(batch * steps);
        for (let b = 0; b < batch; b++) {
          for (let t = 0; t < steps; t++) {
            const pos = e + j * steps + b * 7 + t;
            x[b * steps + t] = pattern[pos % pattern.length];
            y[b * steps + t] = pattern[(pos + 1) % pattern.length];
          }
        }
        yield { x, y, shape: [batch, steps], layout: "batch-major" };
      }
    },
  };
}
