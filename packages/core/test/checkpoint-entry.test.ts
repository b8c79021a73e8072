import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/** Relative imports of a source file, and the bare/`node:` ones. */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(join(SRC, file), "utf8");
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);
}

describe("@rnnlm/core entry points", () => {
  it("the main entry never reaches node: modules or the node/ folder (it stays browser-safe)", async () => {
    const seen = new Set<string>();
    const queue = ["index.ts"];
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const spec of await importsOf(file)) {
        expect(spec.startsWith("node:"), `${file} imports ${spec}`).toBe(false);
        if (spec.startsWith("./")) {
          expect(spec.startsWith("./node/"), `${file} imports ${spec}`).toBe(false);
          queue.push(spec.slice(2).replace(/\.js$/, ".ts"));
        }
      }
    }
    expect(seen.size).toBeGreaterThan(5);
  });

  it("exports ./node with types first, built from src/node/index.ts", async () => {
    const pkg = JSON.parse(await readFile(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8"));
    expect(pkg.exports["./node"]).toEqual({ types: "./dist/node/index.d.ts", default: "./dist/node/index.js" });
    expect(Object.keys(pkg.exports["./node"])[0]).toBe("types");
    expect(await readdir(join(SRC, "node"))).toContain("index.ts");
  });
});
