import { defineConfig } from "vitest/config";

// `pnpm --filter @rnnlm/web bench`: the browser training bench, kept out of `test`.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["*.bench-run.ts"],
    testTimeout: 300_000,
  },
});
