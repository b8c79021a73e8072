// Drives bench/index.html in Debian's Chromium and writes bench/results/web-train.json:
// training tokens/s of the d2l LSTM in rnnlm's worker (onnx:wasm) and in a tf.layers LSTM (tfjs WASM).
import { loadavg } from "node:os";
import { expect, it } from "vitest";
import { benchResultOf, withBenchBrowser, writeBenchResult } from "./bench-browser.js";

it("measures training tokens/s in Chromium: rnnlm worker vs tf.layers", async () => {
  await withBenchBrowser("web-train", async (context, url) => {
    const page = context.pages()[0] ?? (await context.newPage());
    const loadBefore = loadavg()[0];
    const result = await benchResultOf<{ ratio: number }>(page, url);
    const record = { date: new Date().toISOString(), loadAverage: [loadBefore, loadavg()[0]], ...result };
    await writeBenchResult("web-train.json", record);
    expect(record.ratio).toBeGreaterThan(0);
  });
});
