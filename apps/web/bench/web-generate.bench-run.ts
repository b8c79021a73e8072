// Drives bench/generation.html in Debian's Chromium and writes bench/results/web-generate.json:
// generation tokens/s on onnx:wasm (greedy, sampled, one forward per token) for the d2l char
// LSTM-256 and a word LSTM at V 10k.
import { loadavg } from "node:os";
import { expect, it } from "vitest";
import { benchResultOf, withBenchBrowser, writeBenchResult } from "./bench-browser.js";

it("measures generation tokens/s in Chromium on onnx:wasm", async () => {
  await withBenchBrowser("web-generate", async (context, url) => {
    const runs: unknown[] = [];
    // The app's generation threads, then the training worker's (ORT Web fixes its threads once per page).
    for (const query of ["", "?threads=max"]) {
      const page = await context.newPage();
      const loadBefore = loadavg()[0];
      const result = await benchResultOf<{ rows: unknown[] }>(page, `${url}generation.html${query}`);
      expect(result.rows).toHaveLength(2);
      runs.push({ loadAverage: [loadBefore, loadavg()[0]], ...result });
      await page.close();
    }
    await writeBenchResult("web-generate.json", { date: new Date().toISOString(), runs });
  });
});
