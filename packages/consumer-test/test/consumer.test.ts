import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createRequire, isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consumerEnv, createConsumerProject } from "../src/consumer-project.js";
import { importGraph } from "../src/import-graph.js";
import { probeNpmRegistry, type RegistryProbe } from "../src/npm-registry.js";
import { packPackages } from "../src/pack-packages.js";
import { readmeQuickstarts } from "../src/readme-quickstarts.js";
import { expectSuccess, runCommand } from "../src/run-command.js";
import { findWorkspaceRoot, publishedPackages } from "../src/workspace-packages.js";

/**
 * A stranger's project: every published package packed, installed with plain `npm install`
 * into an empty project in the OS temp folder (outside the workspace, so nothing resolves
 * through the monorepo's node_modules), then the fixture program compiled with TypeScript
 * (node16, bundler, and bundler with the browser condition) and run: it builds a codec, trains
 * a tiny LSTM on tfjs:wasm, saves a checkpoint, exports ONNX and generates on onnx:cpu.
 *
 * Needs the npm registry for third-party dependencies: without it the test skips with the
 * reason printed, and fails when RNNLM_REQUIRE_TOOLS=1.
 */
const root = findWorkspaceRoot();
const required = process.env.RNNLM_REQUIRE_TOOLS === "1";
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const probe: RegistryProbe = await probeNpmRegistry(tmpdir());
/** @rnnlm/rnnlm's README quick starts and the root README's, written into the project as quickstart-NAME.ts. */
const QUICKSTARTS = readmeQuickstarts(join(root, "packages", "rnnlm", "README.md"));
const OVERVIEW = readmeQuickstarts(join(root, "README.md"));
if (!probe.ok) {
  console.warn(
    `consumer test skipped: ${probe.reason}${required ? "" : " (RNNLM_REQUIRE_TOOLS=1 makes this a failure)"}`,
  );
}

interface ConsumerRun {
  trainBackend: string;
  onnxBackend: string;
  vocabSize: number;
  steps: number;
  firstPerplexity: number;
  lastPerplexity: number;
  onnxBytes: number;
  nativeText: string;
  onnxText: string;
  match: boolean;
}

let project = "";
let packDir = "";

async function runConsumer(env: Record<string, string> = {}): Promise<ConsumerRun> {
  const result = expectSuccess(
    await runCommand(process.execPath, ["dist/main.js"], { cwd: project, env: consumerEnv(env), timeoutMs: 120_000 }),
  );
  const line = result.stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as ConsumerRun;
}

describe.runIf(probe.ok || required)("an empty npm project using the packed packages", () => {
  beforeAll(async () => {
    if (!probe.ok) throw new Error(`RNNLM_REQUIRE_TOOLS=1 but ${probe.reason}`);
    packDir = await mkdtemp(join(tmpdir(), "rnnlm-consumer-pack-"));
    project = await mkdtemp(join(tmpdir(), "rnnlm-consumer-"));
    const tarballs = await packPackages(
      root,
      publishedPackages(root).map((p) => p.name),
      packDir,
    );
    const started = performance.now();
    for (const quickstart of [...QUICKSTARTS, ...OVERVIEW])
      writeFileSync(join(project, `quickstart-${quickstart.name}.ts`), quickstart.code);
    await createConsumerProject(project, [...tarballs.values()]);
    console.log(`npm install of ${tarballs.size} tarballs: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  });

  afterAll(async () => {
    for (const dir of [project, packDir]) if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("lives outside the workspace and installed real versions, no native tfjs", () => {
    expect(relative(root, project).startsWith("..")).toBe(true);
    for (const pkg of publishedPackages(root)) {
      const installed = join(project, "node_modules", pkg.name, "package.json");
      const text = readFileSync(installed, "utf8");
      expect(text).not.toContain("workspace:");
    }
    // Optional peers stay uninstalled; onnxruntime-node is a dependency (CPU binaries inside).
    expect(existsSync(join(project, "node_modules", "@tensorflow", "tfjs-node"))).toBe(false);
    expect(existsSync(join(project, "node_modules", "@tensorflow", "tfjs-node-gpu"))).toBe(false);
    expect(existsSync(join(project, "node_modules", "onnxruntime-node", "package.json"))).toBe(true);
  });

  it.each(["@rnnlm/core", "@rnnlm/core/backend", "@rnnlm/data", "@rnnlm/backend-onnx", "@rnnlm/backend-reference"])(
    "%s under the browser condition reaches no Node built-in and no native runtime",
    (entry) => {
      const graph = importGraph(project, entry, ["browser", "import"], (name) => name.startsWith("@rnnlm/"));
      const nodeOnly = [...graph.external].filter(
        ([specifier]) => isBuiltin(specifier) || /^(onnxruntime-node|@tensorflow\/tfjs-node)/.test(specifier),
      );
      expect(nodeOnly.map(([specifier, from]) => `${specifier} (from ${relative(project, from)})`)).toEqual([]);
      expect(graph.files.length).toBeGreaterThan(3);
    },
  );

  it("sees what the Node entries need under the node condition (the walker finds such imports)", () => {
    const onnx = importGraph(project, "@rnnlm/backend-onnx", ["node", "import"], (name) => name.startsWith("@rnnlm/"));
    expect([...onnx.external.keys()]).toEqual(expect.arrayContaining(["onnxruntime-node", "node:fs/promises"]));
    const data = importGraph(project, "@rnnlm/data", ["node", "import"], (name) => name.startsWith("@rnnlm/"));
    expect([...data.external.keys()]).toContain("node:fs/promises");
  });

  it.each(["node16", "bundler", "plain-bundler", "browser"])("type-checks under tsconfig.%s.json", async (flavour) => {
    const result = await runCommand(process.execPath, [tsc, "-p", `tsconfig.${flavour}.json`], {
      cwd: project,
      env: consumerEnv(),
    });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it("trains on tfjs:wasm, saves, exports ONNX and generates the same greedy text on onnx:cpu", async () => {
    expect(existsSync(join(project, "dist", "main.js")), "tsconfig.node16.json compiles main.ts to dist/").toBe(true);
    const run = await runConsumer();
    console.log("consumer run:", run);
    expect(run.trainBackend).toBe("tfjs:wasm");
    expect(run.onnxBackend).toBe("onnx:cpu");
    expect(run.steps).toBeGreaterThan(10);
    expect(run.lastPerplexity).toBeLessThan(run.firstPerplexity);
    expect(run.onnxBytes).toBeGreaterThan(1000);
    expect(run.nativeText.startsWith("the time")).toBe(true);
    expect(run.nativeText.length).toBeGreaterThan("the time".length);
    expect(run.onnxText).toBe(run.nativeText);
    expect(run.match).toBe(true);
  });

  it("runs a backend author's program: a toy backend on @rnnlm/core/backend, generating and encoding a checkpoint", async () => {
    expect(existsSync(join(project, "dist", "backend-author.js")), "tsconfig.node16.json compiles it").toBe(true);
    const result = expectSuccess(
      await runCommand(process.execPath, ["dist/backend-author.js"], {
        cwd: project,
        env: consumerEnv(),
        timeoutMs: 60_000,
      }),
    );
    const run = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as {
      backend: string;
      text: string;
      vocabulary: string;
      files: string[];
    };
    // The toy model predicts id + 1 (mod V): greedy text from "a" walks the vocabulary round.
    const tokens = ["<unk>", "a", "b", "c", "d"];
    const expected = Array.from({ length: 9 }, (_, i) => tokens[(1 + i) % tokens.length]).join("");
    expect(run).toEqual({
      backend: "cycle:cpu",
      text: expected,
      vocabulary: "<unk>abcd",
      files: ["model.safetensors:true", "config.json:true"],
    });
  });

  it("runs the installed rnnlm command with npx: train, generate, export, generate from the .onnx", async () => {
    const npx = async (...args: string[]) =>
      expectSuccess(
        await runCommand("npx", ["--no", "--", "rnnlm", ...args], {
          cwd: project,
          env: consumerEnv(),
          timeoutMs: 120_000,
        }),
      );
    const installed = JSON.parse(
      readFileSync(join(project, "node_modules", "@rnnlm", "cli", "package.json"), "utf8"),
    ) as {
      version: string;
    };
    expect((await npx("--version")).stdout).toBe(`rnnlm ${installed.version}\n`);
    // The config schema ships for editors, and a config that points at it (PyTorch spellings) trains.
    const schema = JSON.parse(
      readFileSync(join(project, "node_modules", "@rnnlm", "cli", "config.schema.json"), "utf8"),
    ) as { additionalProperties: boolean; properties: Record<string, unknown> };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties).toHaveProperty("batch_size");
    const config = { $schema: "./node_modules/@rnnlm/cli/config.schema.json", nhid: 8, batch_size: 4, epochs: 1 };
    writeFileSync(join(project, "snake.json"), JSON.stringify(config));
    const snake = await npx(
      "train",
      "--config",
      "snake.json",
      "--data",
      "timemachine",
      "--max_tokens",
      "2000",
      "--save",
      "snake",
    );
    expect(snake.stdout).toMatch(/--batch-size\s+4/);
    const train = await npx("train", "--config", "tiny", "--data", "timemachine", "--save", "run");
    expect(train.stdout).toContain("end of training");
    expect(existsSync(join(project, "run", "last"))).toBe(true);
    const prefix = ["--prefix", "time ", "--length", "20", "--greedy"];
    const fromCheckpoint = (await npx("generate", "--checkpoint", "run", ...prefix)).stdout;
    expect(fromCheckpoint.startsWith("time ")).toBe(true);
    expect(fromCheckpoint.trim().length).toBeGreaterThan("time".length + 10);
    expect((await npx("export", "--checkpoint", "run", "--onnx", "run.onnx")).stdout).toContain("wrote run.onnx");
    expect((await npx("generate", "--model-file", "run.onnx", ...prefix)).stdout).toBe(fromCheckpoint);
  });

  it("runs @rnnlm/rnnlm's README quick starts as written: train + save + export, generate, stream", async () => {
    expect(QUICKSTARTS.map((q) => [q.name, q.lines <= (q.name === "generate" ? 3 : 8)])).toEqual([
      ["generate", true],
      ["train", true],
      ["stream", true],
    ]);
    const book = readFileSync(join(project, "node_modules", "@rnnlm", "data", "corpora", "timemachine.txt"), "utf8");
    writeFileSync(join(project, "corpus.txt"), book.slice(0, 20_000));
    const run = async (name: string) =>
      expectSuccess(
        await runCommand(process.execPath, [`dist/quickstart-${name}.js`], {
          cwd: project,
          env: consumerEnv(),
          timeoutMs: 120_000,
        }),
      ).stdout;
    const trained = (await run("train")).trim().split("\n");
    expect(trained.filter((line) => line.includes("trainPerplexity"))).toHaveLength(3);
    expect(trained.at(-1)?.startsWith("the time")).toBe(true);
    expect(existsSync(join(project, "run"))).toBe(true);
    expect(existsSync(join(project, "model.onnx"))).toBe(true);
    const generated = (await run("generate")).trim();
    expect(generated.startsWith("the time")).toBe(true);
    expect(generated.length).toBeGreaterThan("the time".length + 20);
    expect((await run("stream")).length).toBeGreaterThan(20);
  });

  it("runs the root README's quick start as written, in a folder of its own", async () => {
    expect(OVERVIEW.map((q) => q.name)).toEqual(["overview"]);
    const folder = join(project, "overview");
    mkdirSync(folder);
    const book = readFileSync(join(project, "node_modules", "@rnnlm", "data", "corpora", "timemachine.txt"), "utf8");
    writeFileSync(join(folder, "corpus.txt"), book.slice(0, 20_000));
    const result = expectSuccess(
      await runCommand(process.execPath, [join(project, "dist", "quickstart-overview.js")], {
        cwd: folder,
        env: consumerEnv(),
        timeoutMs: 120_000,
      }),
    );
    expect(result.stdout.startsWith("the time")).toBe(true);
    expect(existsSync(join(folder, "model.onnx"))).toBe(true);
  });

  it("switches the training backend with RNNLM_BACKEND alone", async () => {
    const run = await runConsumer({ RNNLM_BACKEND: "tfjs:cpu" });
    expect(run.trainBackend).toBe("tfjs:cpu");
    expect(run.onnxText).toBe(run.nativeText);
  });
});
