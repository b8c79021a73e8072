// What both browser benches share: build the bench pages, serve them, open Chromium, read a
// page's `benchResult`, and write a results file atomically.
import { spawnSync } from "node:child_process";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } from "../test/chromium.js";
import { startStaticServer } from "../test/static-server.js";

const BENCH_DIR = import.meta.dirname;

/** Builds the bench pages and runs `body` with Chromium open on their server; cleans up after. */
export async function withBenchBrowser(
  name: string,
  body: (context: BrowserContext, url: string) => Promise<void>,
): Promise<void> {
  const missing = chromiumMissing();
  if (missing !== null) throw new Error(`the browser bench needs Chromium: ${missing}`);
  const vite = join(BENCH_DIR, "..", "node_modules", "vite", "bin", "vite.js");
  const build = spawnSync(
    process.execPath,
    [vite, "build", "--config", join(BENCH_DIR, "vite.config.ts"), "--logLevel", "error"],
    { cwd: join(BENCH_DIR, ".."), encoding: "utf8" },
  );
  if (build.status !== 0) throw new Error(`bench build failed:\n${build.stdout}\n${build.stderr}`);
  const server = await startStaticServer(join(BENCH_DIR, "dist"));
  const profile = await mkdtemp(join(tmpdir(), `rnnlm-${name}-bench-`));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    await body(context, server.url);
  } finally {
    await context.close();
    await server.close();
    await rm(profile, { recursive: true, force: true });
  }
}

/** Opens `url` in `page` and waits for the bench page's `benchResult` (or its `benchError`). */
export async function benchResultOf<T>(page: Page, url: string): Promise<T> {
  const log: string[] = [];
  page.on("console", (message) => log.push(`${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => log.push(`pageerror: ${error.message}`));
  await page.goto(url);
  await page
    .waitForFunction(
      () => (globalThis as { benchResult?: unknown }).benchResult ?? (globalThis as { benchError?: string }).benchError,
      null,
      { timeout: 120_000 },
    )
    .catch(async (error: unknown) => {
      throw new Error(`${String(error)}\nstatus: ${await page.textContent("#status")}\n${log.join("\n")}`);
    });
  const error = await page.evaluate(() => (globalThis as { benchError?: string }).benchError ?? null);
  if (error !== null) throw new Error(error);
  const result = await page.evaluate(() => (globalThis as { benchResult?: unknown }).benchResult);
  if (result === undefined) throw new Error("the bench page set no result");
  return result as T;
}

/** Prints `record` and writes it to `bench/results/<file>` (temp file, then rename). */
export async function writeBenchResult(file: string, record: unknown): Promise<void> {
  console.log(JSON.stringify(record, null, 2));
  const path = join(BENCH_DIR, "results", file);
  await writeFile(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}
