// Drives bench/generation.html in Debian's Chromium and writes bench/results/web-generate.json:
// generation tokens/s on onnx:wasm (greedy, sampled, one forward per token) for the d2l char
// LSTM-256 and a word LSTM at V 10k.
import { spawnSync } from "node:child_process";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { expect, it } from "vitest";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } from "../test/chromium.js";
import { startStaticServer } from "../test/static-server.js";

const BENCH_DIR = import.meta.dirname;

it("measures generation tokens/s in Chromium on onnx:wasm", async () => {
  const missing = chromiumMissing();
  if (missing !== null) throw new Error(`the browser bench needs Chromium: ${missing}`);
  const vite = join(BENCH_DIR, "..", "node_modules", "vite", "bin", "vite.js");
  const build = spawnSync(
    process.execPath,
    [vite, "build", "--config", join(BENCH_DIR, "vite.config.ts"), "--logLevel", "error"],
    {
      cwd: join(BENCH_DIR, ".."),
      encoding: "utf8",
    },
  );
  if (build.status !== 0) throw new Error(`bench build failed:\n${build.stdout}\n${build.stderr}`);
  const server = await startStaticServer(join(BENCH_DIR, "dist"));
  const profile = await mkdtemp(join(tmpdir(), "rnnlm-web-generate-bench-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const runs: unknown[] = [];
    // The app's generation threads, then the training worker's (ORT Web fixes its threads once per page).
    for (const query of ["", "?threads=max"]) {
      const page = await context.newPage();
      const log: string[] = [];
      page.on("console", (message) => log.push(`${message.type()}: ${message.text()}`));
      page.on("pageerror", (error) => log.push(`pageerror: ${error.message}`));
      const loadBefore = loadavg()[0];
      await page.goto(`${server.url}generation.html${query}`);
      await page
        .waitForFunction(
          () =>
            (globalThis as { benchResult?: unknown }).benchResult ?? (globalThis as { benchError?: string }).benchError,
          null,
          { timeout: 120_000 },
        )
        .catch(async (error: unknown) => {
          throw new Error(`${String(error)}\nstatus: ${await page.textContent("#status")}\n${log.join("\n")}`);
        });
      const error = await page.evaluate(() => (globalThis as { benchError?: string }).benchError ?? null);
      if (error !== null) throw new Error(error);
      const result = await page.evaluate(() => (globalThis as { benchResult?: { rows: unknown[] } }).benchResult);
      if (result === undefined) throw new Error("the bench page set no result");
      expect(result.rows).toHaveLength(2);
      runs.push({ loadAverage: [loadBefore, loadavg()[0]], ...result });
      await page.close();
    }
    const record = { date: new Date().toISOString(), runs };
    console.log(JSON.stringify(record, null, 2));
    const file = join(BENCH_DIR, "results", "web-generate.json");
    await writeFile(`${file}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
    await rename(`${file}.tmp`, file);
  } finally {
    await context.close();
    await server.close();
    await rm(profile, { recursive: true, force: true });
  }
});
