import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPackedPackage, formatReports, type PackageReport } from "../src/check-packages.js";
import { packPackages } from "../src/pack-packages.js";
import { findWorkspaceRoot, listWorkspacePackages, publishedPackages } from "../src/workspace-packages.js";

/**
 * The release dry run: every published package packed with pnpm (as `changeset publish`
 * packs it), then its manifest, file list, publint and attw (node16 + bundler) checked.
 */
const root = findWorkspaceRoot();
const PUBLISHED = [
  "@rnnlm/backend-onnx",
  "@rnnlm/backend-reference",
  "@rnnlm/backend-tfjs",
  "@rnnlm/cli",
  "@rnnlm/core",
  "@rnnlm/data",
  "@rnnlm/rnnlm",
];

let dir = "";
const reports = new Map<string, PackageReport>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rnnlm-pack-"));
  const tarballs = await packPackages(root, PUBLISHED, dir);
  for (const [name, tarball] of tarballs) reports.set(name, await checkPackedPackage(root, name, tarball));
  console.log(formatReports([...reports.values()]));
});

afterAll(async () => {
  if (dir !== "") await rm(dir, { recursive: true, force: true });
});

describe("the published set", () => {
  it("is exactly the library packages, the high-level API and the CLI; everything else is private", () => {
    expect(publishedPackages(root).map((p) => p.name)).toEqual(PUBLISHED);
    const others = listWorkspacePackages(root).filter((p) => !PUBLISHED.includes(p.name));
    expect(others.length).toBeGreaterThan(0);
    for (const p of others) expect(p.private, `${p.name} must be "private": true`).toBe(true);
  });

  it("changesets versions and publishes only it (private packages are neither versioned nor tagged)", () => {
    const config = JSON.parse(readFileSync(join(root, ".changeset", "config.json"), "utf8")) as {
      access: string;
      ignore: string[];
      privatePackages: { version: boolean; tag: boolean };
    };
    expect(config.access).toBe("public");
    expect(config.privatePackages).toEqual({ version: false, tag: false });
    for (const ignored of config.ignore) expect(PUBLISHED).not.toContain(ignored);
  });
});

describe.each(PUBLISHED)("%s as packed", (name) => {
  it("has no workspace ranges, the right files and fields", () => {
    expect(reports.get(name)?.problems).toEqual([]);
  });

  it("depends on the other @rnnlm packages at their current versions", () => {
    const report = reports.get(name);
    const deps = (report?.contents.manifest.dependencies ?? {}) as Record<string, string>;
    for (const [dep, range] of Object.entries(deps)) {
      if (!dep.startsWith("@rnnlm/")) continue;
      const pkg = listWorkspacePackages(root).find((p) => p.name === dep);
      expect(pkg, `${dep} is not a workspace package`).toBeDefined();
      const version = (JSON.parse(readFileSync(join(pkg?.dir ?? "", "package.json"), "utf8")) as { version: string })
        .version;
      expect(range).toBe(version);
    }
  });

  it("is clean for publint and attw (node16 + bundler)", () => {
    for (const lint of reports.get(name)?.lints ?? []) expect(lint.ok, `${lint.tool}:\n${lint.output}`).toBe(true);
    expect(reports.get(name)?.lints).toHaveLength(2);
  });
});

describe("@rnnlm/backend-tfjs", () => {
  it("declares the native tfjs packages as optional peers at the tfjs version it is built on", () => {
    const manifest = reports.get("@rnnlm/backend-tfjs")?.contents.manifest ?? {};
    const deps = manifest.dependencies as Record<string, string>;
    expect(manifest.peerDependencies).toEqual({
      "@tensorflow/tfjs-node": deps["@tensorflow/tfjs-core"],
      "@tensorflow/tfjs-node-gpu": deps["@tensorflow/tfjs-core"],
    });
    expect(manifest.peerDependenciesMeta).toEqual({
      "@tensorflow/tfjs-node": { optional: true },
      "@tensorflow/tfjs-node-gpu": { optional: true },
    });
  });
});

describe("@rnnlm/backend-onnx", () => {
  it("declares both ONNX Runtimes as optional peers and ships no protobuf runtime", () => {
    const manifest = reports.get("@rnnlm/backend-onnx")?.contents.manifest ?? {};
    expect(manifest.peerDependencies).toEqual({ "onnxruntime-node": "1.30.0", "onnxruntime-web": "1.30.0" });
    expect(manifest.peerDependenciesMeta).toEqual({
      "onnxruntime-node": { optional: true },
      "onnxruntime-web": { optional: true },
    });
    expect(Object.keys((manifest.dependencies ?? {}) as Record<string, string>)).toEqual(["@rnnlm/core"]);
  });
});

describe("version constants in the sources", () => {
  it("match each package.json version (pnpm version keeps them in step)", async () => {
    const { runCommand } = await import("../src/run-command.js");
    const result = await runCommand(process.execPath, ["scripts/sync-source-versions.mjs", "--check"], { cwd: root });
    expect(result.status, result.stderr).toBe(0);
  });
});
