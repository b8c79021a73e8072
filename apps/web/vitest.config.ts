import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    // beforeAll builds the app when dist/ is missing or stale.
    hookTimeout: 300_000,
    // One test file at a time: the generation and training suites each drive a Chromium (and a
    // training worker); run side by side on a 2-core machine, a Stop click timed out under load.
    fileParallelism: false,
  },
});
