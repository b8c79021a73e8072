import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONSUMER_NPMRC, consumerEnv } from "../src/consumer-project.js";
import { probeNpmRegistry, type RegistryProbe } from "../src/npm-registry.js";
import { packPackages } from "../src/pack-packages.js";
import { expectSuccess, runCommand } from "../src/run-command.js";
import { findWorkspaceRoot } from "../src/workspace-packages.js";

/**
 * onnxruntime-node and onnxruntime-web are optional peers of @rnnlm/backend-onnx: a browser app
 * installs the web runtime only, a Node app the native one only. Two empty npm projects install
 * core + backend-onnx with one runtime each; the test prints what each pulled in, checks the
 * other runtime is absent, runs a model on the installed runtime and reads the one-line error
 * the other device gives. Needs the npm registry, like consumer.test.ts.
 */
const root = findWorkspaceRoot();
const required = process.env.RNNLM_REQUIRE_TOOLS === "1";
const probe: RegistryProbe = await probeNpmRegistry(tmpdir());
const ORT = "1.30.0";

/** Runs a GRU on `device`, then tries `missing` and reports its error (Node entry of backend-onnx). */
const CHECK_SCRIPT = `
import { onnxBackend } from "@rnnlm/backend-onnx";
import { parseModelSpec } from "@rnnlm/core";
const [device, missing] = process.argv.slice(2);
const runtime = await onnxBackend.init(device, {});
const model = await runtime.createModel(parseModelSpec({ cell: "gru", vocabSize: 5, hiddenSize: 4 }), { seed: 1 });
const out = await model.forward({ ids: Int32Array.of(1, 2), steps: 2, batch: 1 }, model.beginState(1));
let missingError = null;
try {
  await onnxBackend.init(missing, {});
} catch (error) {
  missingError = error.message;
}
console.log(JSON.stringify({ runtime: runtime.id, logitsShape: out.logits.shape, missingError }));
`;

/** Every `node_modules/…` path npm installed (its hidden lockfile), and the package names among them. */
function installed(project: string): { paths: string[]; names: string[] } {
  const lock = JSON.parse(readFileSync(join(project, "node_modules", ".package-lock.json"), "utf8")) as {
    packages: Record<string, unknown>;
  };
  const paths = Object.keys(lock.packages).sort();
  const names = [...new Set(paths.map((path) => path.slice(path.lastIndexOf("node_modules/") + 13)))].sort();
  return { paths, names };
}

const projects: string[] = [];
let packDir = "";
let tarballs = new Map<string, string>();

async function install(extra: string[], npmrc: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "rnnlm-split-install-"));
  projects.push(dir);
  const manifest = { name: "rnnlm-split-install", version: "1.0.0", private: true, type: "module" };
  await writeFile(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  await writeFile(join(dir, ".npmrc"), npmrc);
  writeFileSync(join(dir, "check.mjs"), CHECK_SCRIPT);
  const args = ["install", "--no-audit", "--no-fund", "--loglevel=error", ...tarballs.values(), ...extra];
  expectSuccess(await runCommand("npm", args, { cwd: dir, env: consumerEnv(), timeoutMs: 300_000 }));
  return dir;
}

async function check(project: string, device: string, missing: string) {
  const result = expectSuccess(
    await runCommand(process.execPath, ["check.mjs", device, missing], {
      cwd: project,
      env: consumerEnv(),
      timeoutMs: 60_000,
    }),
  );
  return JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "") as {
    runtime: string;
    logitsShape: number[];
    missingError: string | null;
  };
}

describe.runIf(probe.ok || required)("backend-onnx installed with one ONNX Runtime", () => {
  beforeAll(async () => {
    if (!probe.ok) throw new Error(`RNNLM_REQUIRE_TOOLS=1 but ${probe.reason}`);
    packDir = await mkdtemp(join(tmpdir(), "rnnlm-split-pack-"));
    tarballs = await packPackages(root, ["@rnnlm/core", "@rnnlm/backend-onnx"], packDir);
  });

  afterAll(async () => {
    for (const dir of [...projects, packDir]) if (dir !== "") await rm(dir, { recursive: true, force: true });
  });

  it("a browser project (onnxruntime-web) gets no onnxruntime-node, and onnx:cpu names the package to install", async () => {
    const project = await install([`onnxruntime-web@${ORT}`], "");
    const { paths, names: packages } = installed(project);
    console.log(`browser project installs ${packages.length} packages: ${packages.join(", ")}`);
    expect(packages).toContain("onnxruntime-web");
    expect(packages).not.toContain("onnxruntime-node");
    expect(existsSync(join(project, "node_modules", "onnxruntime-node"))).toBe(false);
    // One protobuf runtime, onnxruntime-web's: backend-onnx encodes ONNX with its own small codec.
    expect(paths.filter((path) => path.endsWith("node_modules/protobufjs"))).toEqual(["node_modules/protobufjs"]);
    const run = await check(project, "wasm", "cpu");
    expect(run.runtime).toBe("onnx:wasm");
    expect(run.logitsShape).toEqual([2, 5]);
    expect(run.missingError).toBe(
      `onnx:cpu and onnx:cuda need the package onnxruntime-node, which is not installed: npm install onnxruntime-node@${ORT} (or use onnx:wasm with onnxruntime-web)`,
    );
  });

  it("a Node project (onnxruntime-node) gets no onnxruntime-web, and onnx:wasm names the package to install", async () => {
    const project = await install([`onnxruntime-node@${ORT}`], CONSUMER_NPMRC);
    const { names: packages } = installed(project);
    console.log(`Node project installs ${packages.length} packages: ${packages.join(", ")}`);
    expect(packages).toContain("onnxruntime-node");
    expect(packages).not.toContain("onnxruntime-web");
    const run = await check(project, "cpu", "wasm");
    expect(run.runtime).toBe("onnx:cpu");
    expect(run.logitsShape).toEqual([2, 5]);
    expect(run.missingError).toBe(
      `onnx:wasm and onnx:webgpu need the package onnxruntime-web, which is not installed: npm install onnxruntime-web@${ORT}`,
    );
  });
});
