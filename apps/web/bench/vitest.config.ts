import { defineConfig } from "vitest/config";

// `pnpm --filter @rnnlm/web bench`: the browser training and generation benches, kept out of `test`.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["*.bench-run.ts"],
    testTimeout: 300_000,
    // Each bench builds bench/dist (emptying it first): one at a time.
    fileParallelism: false,
  },
});
