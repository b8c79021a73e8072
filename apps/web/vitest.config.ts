import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    // beforeAll builds the app when dist/ is missing or stale.
    hookTimeout: 300_000,
  },
});
