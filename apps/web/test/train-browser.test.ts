// End-to-end: the Train view in Debian's Chromium trains in its worker, generates, downloads
// the model, and the CLI generates the same greedy text from the downloaded file.
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_DIR, DIST_DIR, ensureAppBuilt } from "./app-build.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing } from "./chromium.js";
import { type StaticServer, startStaticServer } from "./static-server.js";

const RESULTS_DIR = join(APP_DIR, "test-results");
const CLI = join(APP_DIR, "..", "cli", "dist", "bin.js");
const PREFIX = "the ";
const LENGTH = 60;

/** A few thousand characters with a small vocabulary and repeats: learnable in seconds. */
function trainingText(): string {
  const lines = [
    "the time traveller smiled round at us.",
    "then he took one up in his hand and looked at it.",
    "the fire burned brightly, and the soft radiance of the lamps caught the bubbles.",
    "our chairs, being his patents, embraced and caressed us.",
  ];
  const out: string[] = [];
  for (let i = 0; i < 32; i++) out.push(lines[i % lines.length], lines[(i * 3 + 1) % lines.length]);
  return `${out.join("\n")}\n`;
}

const missing = chromiumMissing();

describe.skipIf(missing !== null)("the Train view in Chromium", () => {
  let server: StaticServer;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  const foreignRequests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureAppBuilt();
    server = await startStaticServer(DIST_DIR);
    profile = await mkdtemp(join(tmpdir(), "rnnlm-web-train-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 1400 },
      acceptDownloads: true,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("request", (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith("blob:")) {
        foreignRequests.push(request.url());
      }
    });
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await mkdir(RESULTS_DIR, { recursive: true });
    await page.goto(server.url);
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  });

  it("says what to do when the text is too short for the model", async () => {
    await page.fill("#train-text", "a short text");
    await page.selectOption("#train-preset", "d2l-lstm");
    await page.click("#train-start");
    await page.locator('#train-status[data-state="failed"]').waitFor({ timeout: 60_000 });
    expect(await page.textContent("#train-status")).toMatch(
      /the d2l-lstm preset needs at least 1,156 .*: paste a longer text or pick a smaller preset/,
    );
    expect(await page.locator("#train-start").isEnabled()).toBe(true);
  });

  it("trains in the worker while the page stays responsive, generates, and the CLI agrees on the download", async () => {
    await page.fill("#train-text", trainingText());
    expect(await page.textContent("#train-text-count")).toMatch(/^[\d,]+ characters$/);
    await page.selectOption("#train-preset", "tiny");
    await page.fill("#train-epochs", "1000");
    await page.click("#train-start");
    await page.locator('#train-status[data-state="running"]').waitFor({ timeout: 60_000 });
    const runtime = (await page.textContent("#train-runtime")) ?? "";
    expect(runtime).toContain("Training on onnx:wasm");
    // Headless with --disable-gpu: WebGPU is missing or cannot train; the reason is shown.
    expect(runtime).toMatch(/Not on WebGPU: onnx:webgpu: .+/);

    // Responsive while the worker trains: typed keys land in an input and the page's own
    // tasks run, between two progress messages of a run that keeps going.
    await page.waitForFunction(() => Number(document.getElementById("train-sample")?.dataset.epoch ?? 0) >= 1, null, {
      timeout: 60_000,
    });
    const before = await page.textContent("#train-stats");
    await page.fill("#train-prefix", "");
    await page.locator("#train-prefix").pressSequentially("responsive");
    expect(await page.inputValue("#train-prefix")).toBe("responsive");
    expect(
      await page.evaluate(
        () =>
          new Promise((resolve) =>
            setTimeout(() => resolve(document.getElementById("train-status")?.dataset.state), 0),
          ),
      ),
    ).toBe("running");
    await page.waitForFunction((text) => document.getElementById("train-stats")?.textContent !== text, before);

    // The loss falls: epoch 4's mean training loss well under epoch 1's.
    await page.waitForFunction(() => Number(document.getElementById("train-sample")?.dataset.epoch ?? 0) >= 4, null, {
      timeout: 60_000,
    });
    const losses = await page.evaluate(() => {
      const sample = document.getElementById("train-sample");
      return { first: Number(sample?.dataset.firstTrainLoss), last: Number(sample?.dataset.trainLoss) };
    });
    expect(losses.first).toBeGreaterThan(0);
    expect(losses.last).toBeLessThan(losses.first - 0.3);
    expect(await page.locator("#train-chart path.train-line").count()).toBe(1);
    expect(await page.locator("#train-chart circle.valid-dot").count()).toBeGreaterThanOrEqual(4);
    await page.screenshot({ path: join(RESULTS_DIR, "web-train-running.png"), fullPage: true });

    await page.click("#train-pause");
    await page.locator('#train-status[data-state="paused"]').waitFor();
    expect(await page.textContent("#train-pause")).toBe("Resume");
    await page.click("#train-pause");
    await page.locator('#train-status[data-state="running"]').waitFor();
    await page.click("#train-stop");
    await page.locator('#train-status[data-state="stopped"]').waitFor({ timeout: 30_000 });

    await page.fill("#train-prefix", PREFIX);
    await page.fill("#train-length", String(LENGTH));
    await page.setChecked("#train-greedy", true);
    await page.click("#train-generate");
    await page.locator('#train-output[data-state="done"]').waitFor({ timeout: 30_000 });
    const generated = (await page.textContent("#train-output")) ?? "";
    expect(generated.length).toBe(PREFIX.length + LENGTH);
    expect(generated.slice(PREFIX.length)).toMatch(/[a-z]{3}/);
    expect(await page.locator("#train-next li").count()).toBeGreaterThan(1);

    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#train-download-onnx")]);
    expect(download.suggestedFilename()).toMatch(/\.onnx$/);
    const file = join(profile, "downloaded.onnx");
    await download.saveAs(file);

    const cli = spawnSync(
      process.execPath,
      [
        CLI,
        "generate",
        "--model-file",
        file,
        "--prefix",
        PREFIX,
        "--length",
        String(LENGTH),
        "--greedy",
        "--backend",
        "onnx:cpu",
      ],
      { encoding: "utf8" },
    );
    expect(cli.stderr).toBe("");
    expect(cli.status).toBe(0);
    expect(cli.stdout.replace(/\n$/, "")).toBe(generated);

    // The run download: a tar the system's tar unpacks into a checkpoint the CLI resumes.
    const epochsDone = Number(await page.getAttribute("#train-sample", "data-epoch"));
    const [runDownload] = await Promise.all([page.waitForEvent("download"), page.click("#train-download-run")]);
    expect(runDownload.suggestedFilename()).toBe("rnnlm-web-run.tar");
    const runDir = join(profile, "run");
    await mkdir(runDir);
    await runDownload.saveAs(join(profile, "run.tar"));
    const untar = spawnSync("tar", ["xf", join(profile, "run.tar"), "-C", runDir], { encoding: "utf8" });
    expect(untar.status).toBe(0);
    const resumed = spawnSync(
      process.execPath,
      [CLI, "train", "--resume", runDir, "--data", join(runDir, "text.txt"), "--epochs", String(epochsDone + 1)],
      { encoding: "utf8" },
    );
    expect(resumed.stderr).toBe("");
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`end of epoch ${epochsDone + 1} `);

    // The page's own file picker loads the download, and its generator agrees too.
    await page.locator("#generate:enabled").waitFor({ timeout: 120_000 });
    await page.setInputFiles("#model-file", file);
    await page.waitForFunction(
      () => document.getElementById("model-summary")?.textContent?.includes("downloaded.onnx"),
      null,
      { timeout: 30_000 },
    );
    await page.fill("#prefix", PREFIX);
    await page.fill("#length", String(LENGTH));
    await page.setChecked("#greedy", true);
    await page.click("#generate");
    await page.locator('#output[data-state="done"]').waitFor({ timeout: 30_000 });
    expect(await page.textContent("#output")).toBe(generated);
  });

  it("follows the system's dark mode", async () => {
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.emulateMedia({ colorScheme: "light" });
    expect(await background()).toBe("rgb(244, 246, 249)");
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await background()).toBe("rgb(20, 24, 30)");
    await page.screenshot({ path: join(RESULTS_DIR, "web-train-dark.png"), fullPage: true });
  });

  it("made no request outside the app and threw no page errors", () => {
    expect(foreignRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
