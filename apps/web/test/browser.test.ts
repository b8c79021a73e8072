// End-to-end: the built app in Debian's Chromium (playwright-core), served like a static host.
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_DIR, DIST_DIR, ensureAppBuilt } from "./app-build.js";
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissing, toolsRequired } from "./chromium.js";
import { generateInNode } from "./node-generation.js";
import { type StaticServer, startStaticServer } from "./static-server.js";

const MODEL_FILE = join(APP_DIR, "public", "models", "time-machine-gru.onnx");
const RESULTS_DIR = join(APP_DIR, "test-results");
const PREFIX = "time traveller";
const LENGTH = 120;

const missing = chromiumMissing();
if (missing !== null) {
  console.log(`browser tests ${toolsRequired ? "FAIL" : "skipped"}: ${missing}`);
}

describe.runIf(missing !== null && toolsRequired)("browser tests (RNNLM_REQUIRE_TOOLS=1)", () => {
  it("need Chromium", () => {
    throw new Error(`RNNLM_REQUIRE_TOOLS=1 but ${missing}`);
  });
});

describe.skipIf(missing !== null)("the web demo in Chromium", () => {
  let server: StaticServer;
  let profile: string;
  let context: BrowserContext;
  let page: Page;
  let expected: string;
  const foreignRequests: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ensureAppBuilt();
    expected = await generateInNode(new Uint8Array(await readFile(MODEL_FILE)), PREFIX, LENGTH);
    server = await startStaticServer(DIST_DIR);
    profile = await mkdtemp(join(tmpdir(), "rnnlm-web-chromium-"));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("request", (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith("blob:")) {
        foreignRequests.push(request.url());
      }
    });
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(message.text());
    });
    await mkdir(RESULTS_DIR, { recursive: true });
    await page.goto(server.url);
    // Compiling ORT's 28 MB WebAssembly takes a while on a loaded 2-core machine.
    await page.locator("#generate:enabled").waitFor({ timeout: 120_000 });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (profile !== undefined) await rm(profile, { recursive: true, force: true });
  });

  async function generateGreedily(): Promise<string> {
    await page.fill("#prefix", PREFIX);
    await page.fill("#length", String(LENGTH));
    await page.setChecked("#greedy", true);
    await page.click("#generate");
    await page.locator('#output[data-state="done"]').waitFor({ timeout: 60_000 });
    return (await page.textContent("#output")) ?? "";
  }

  it("loads the shipped model cross-origin isolated, with every asset from the app", async () => {
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    expect(await page.textContent("#vocab-size")).toBe("28 characters");
    expect(await page.textContent("#model-summary")).toContain("gru, 1 layer(s)");
    expect(await page.locator("#error").isHidden()).toBe(true);
    expect(server.requests).toContain("/ort/ort-wasm-simd-threaded.jsep.wasm");
  });

  it('generates greedily from "time traveller" exactly what Node generates', async () => {
    // A trained model writes letters, so equal texts mean the same argmax at every step.
    expect(expected.slice(PREFIX.length)).toMatch(/[a-z]{3}/);
    const text = await generateGreedily();
    expect(text).toBe(expected);
    expect(text.length).toBe(PREFIX.length + LENGTH);
    const runtime = (await page.textContent("#runtime")) ?? "";
    expect(runtime).toContain("Ran on onnx:wasm");
    expect(runtime).toContain("WASM execution provider");
    expect(runtime).toContain("Cross-origin isolated: yes");
    expect(await page.textContent("#stats")).toMatch(/120 tokens \(greedy\) in [\d.]+ s · [\d.]+ tokens\/s/);
    await page.screenshot({ path: join(RESULTS_DIR, "web-generate.png"), fullPage: true });
  });

  it("shows a clear error for a corrupt file from the picker and keeps working", async () => {
    const good = await readFile(MODEL_FILE);
    await page.setInputFiles("#model-file", {
      name: "corrupt.onnx",
      mimeType: "application/octet-stream",
      buffer: good.subarray(0, Math.floor(good.length / 2)),
    });
    const error = page.locator("#error");
    await error.waitFor({ state: "visible", timeout: 30_000 });
    const message = (await error.textContent()) ?? "";
    expect(message).toContain("Could not load “corrupt.onnx”");
    expect(message).toMatch(/not a valid ONNX file|not an rnnlm model/);
    expect(message).toContain("The previous model (time-machine-gru.onnx) is still loaded.");
    await page.screenshot({ path: join(RESULTS_DIR, "web-corrupt-file.png"), fullPage: true });
    expect(await page.textContent("#model-summary")).toContain("time-machine-gru.onnx");

    expect(await generateGreedily()).toBe(expected);
    // The next generation works and clears the message.
    expect(await page.locator("#error").isHidden()).toBe(true);
  });

  it("stops a long generation on Stop", async () => {
    // The longest run the form allows: far longer than the moment Stop takes to arrive, even on
    // a fast machine, so the run cannot finish on its own first.
    await page.fill("#length", "50000");
    await page.click("#generate");
    await page.locator('#output[data-state="running"]').waitFor();
    await page.waitForFunction(() => (document.getElementById("output-generated")?.textContent ?? "").length > 20);
    await page.click("#stop");
    await page.locator('#output[data-state="stopped"]').waitFor({ timeout: 30_000 });
    const generated = (await page.textContent("#output-generated")) ?? "";
    expect(generated.length).toBeGreaterThan(20);
    expect(generated.length).toBeLessThan(50_000);
    expect(await page.textContent("#stats")).toMatch(/^Stopped after \d+ tokens/);
  });

  it("offers WebGPU, and falls back to WASM with a clear message where it cannot start", async () => {
    await page.fill("#length", String(LENGTH));
    await page.selectOption("#device", "webgpu").catch(() => undefined);
    await page.locator("#device:enabled").waitFor();
    const webgpuOption = page.locator('#device option[value="webgpu"]');
    if (await webgpuOption.isDisabled()) {
      expect(await webgpuOption.textContent()).toContain("no WebGPU");
    } else if (await page.locator("#error").isVisible()) {
      // Headless with --disable-gpu: navigator.gpu exists but there is no adapter.
      expect(await page.textContent("#error")).toMatch(
        /Could not switch to onnx:webgpu: .*\nStill running on onnx:wasm\./s,
      );
      expect(await page.inputValue("#device")).toBe("wasm");
      expect(await generateGreedily()).toBe(expected);
    } else {
      expect(await page.textContent("#runtime")).toContain("Ran on onnx:webgpu");
      expect((await generateGreedily()).length).toBe(PREFIX.length + LENGTH);
      await page.selectOption("#device", "wasm");
      await page.locator("#device:enabled").waitFor();
    }
  });

  it("made no request outside the app and logged no console errors", () => {
    expect(foreignRequests).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
