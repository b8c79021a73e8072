import { describe, expect, it } from "vitest";
import { packedManifestProblems } from "../src/packed-manifest-problems.js";

/** A manifest and file list that pass every rule; each test breaks one thing. */
function good(): { manifest: Record<string, unknown>; files: string[] } {
  return {
    manifest: {
      name: "@rnnlm/x",
      version: "1.2.3",
      license: "MIT",
      type: "module",
      engines: { node: ">=20" },
      exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" }, "./package.json": "./package.json" },
      main: "./dist/index.js",
      dependencies: { "@rnnlm/core": "1.2.3", zod: "^4.0.0" },
      peerDependencies: { native: "1.0.0" },
      peerDependenciesMeta: { native: { optional: true } },
      publishConfig: { access: "public" },
    },
    files: ["LICENSE", "README.md", "dist/index.d.ts", "dist/index.js", "package.json"],
  };
}

describe("packedManifestProblems", () => {
  it("accepts a correct package", () => {
    expect(packedManifestProblems("@rnnlm/x", good())).toEqual([]);
  });

  it("rejects workspace ranges left in any dependency field", () => {
    const pkg = good();
    pkg.manifest.dependencies = { "@rnnlm/core": "workspace:*" };
    pkg.manifest.devDependencies = { "@rnnlm/data": "workspace:^" };
    const problems = packedManifestProblems("@rnnlm/x", pkg);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/dependencies\.@rnnlm\/core is "workspace:\*"/);
  });

  it("rejects types that are not the first condition", () => {
    const pkg = good();
    pkg.manifest.exports = { ".": { default: "./dist/index.js", types: "./dist/index.d.ts" } };
    expect(packedManifestProblems("@rnnlm/x", pkg)).toEqual([expect.stringMatching(/"types" must be the first/)]);
  });

  it("finds nested condition objects and missing targets", () => {
    const pkg = good();
    pkg.manifest.exports = {
      ".": { browser: { default: "./dist/b.js", types: "./dist/b.d.ts" }, default: "./dist/index.js" },
    };
    const problems = packedManifestProblems("@rnnlm/x", pkg);
    expect(problems.some((p) => /\["browser"\]: "types" must be the first/.test(p))).toBe(true);
    expect(problems).toContain("./dist/b.js is referenced by the manifest but not in the tarball");
    expect(problems).toContain("./dist/b.d.ts is referenced by the manifest but not in the tarball");
  });

  it("rejects files beyond dist, README and LICENSE unless allowed", () => {
    const pkg = good();
    pkg.files.push("src/index.ts", "dist/index.test.js", "corpora/a.txt");
    expect(packedManifestProblems("@rnnlm/x", pkg, { extraFiles: ["corpora/"] })).toEqual([
      "files that should not ship: src/index.ts, dist/index.test.js",
    ]);
  });

  it("requires license, engines, README, LICENSE, public access and optional peers", () => {
    const pkg = good();
    delete pkg.manifest.license;
    delete pkg.manifest.engines;
    delete pkg.manifest.publishConfig;
    pkg.manifest.peerDependenciesMeta = {};
    pkg.files = pkg.files.filter((f) => f !== "LICENSE" && f !== "README.md");
    const problems = packedManifestProblems("@rnnlm/x", pkg);
    expect(problems).toEqual([
      expect.stringMatching(/^peer native is not optional/),
      "no license field",
      "no engines.node",
      expect.stringMatching(/^publishConfig\.access is not "public"/),
      "README.md is not in the tarball",
      "LICENSE is not in the tarball",
    ]);
  });
});
