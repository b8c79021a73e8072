import { readdir, readFile } from "node:fs/promises";
import { join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/** Relative imports of a source file, and the bare/`node:` ones. */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(join(SRC, file), "utf8");
  return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]);
}

describe("@rnnlm/core entry points", () => {
  it.each(["index.ts", "backend.ts"])(
    "%s never reaches node: modules or the node/ folder (it stays browser-safe)",
    async (entry) => {
      const seen = new Set<string>();
      const queue = [entry];
      while (queue.length > 0) {
        const file = queue.pop()!;
        if (seen.has(file)) continue;
        seen.add(file);
        for (const spec of await importsOf(file)) {
          expect(spec.startsWith("node:"), `${file} imports ${spec}`).toBe(false);
          if (spec.startsWith(".")) {
            // Relative to the importing file, as a path under src/.
            const target = posix.join(posix.dirname(file), spec).replace(/\.js$/, ".ts");
            expect(target.startsWith("node/"), `${file} imports ${spec}`).toBe(false);
            queue.push(target);
          }
        }
      }
      expect(seen.size).toBeGreaterThan(3);
    },
  );

  it("exports ./node with types first, built from src/node/index.ts", async () => {
    const pkg = JSON.parse(await readFile(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8"));
    expect(pkg.exports["./node"]).toEqual({ types: "./dist/node/index.d.ts", default: "./dist/node/index.js" });
    expect(Object.keys(pkg.exports["./node"])[0]).toBe("types");
    expect(await readdir(join(SRC, "node"))).toContain("index.ts");
  });

  it("exports ./backend with types first, built from src/backend.ts", async () => {
    const pkg = JSON.parse(await readFile(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8"));
    expect(pkg.exports["./backend"]).toEqual({ types: "./dist/backend.d.ts", default: "./dist/backend.js" });
    expect(Object.keys(pkg.exports["./backend"])[0]).toBe("types");
  });

  it("keeps backend-author internals off the main entry, and exports no name from both", async () => {
    const main = await import("../src/index.js");
    const backend = await import("../src/backend.js");
    for (const name of ["HostTensor", "drawDropoutMasks", "toTimeMajor", "beginHostState", "validateOptimizerState"]) {
      expect(main, name).not.toHaveProperty(name);
      expect(backend, name).toHaveProperty(name);
    }
    for (const name of ["resolveBackend", "registerBackend", "TextGenerator", "trainLoop", "parseModelSpec"]) {
      expect(main, name).toHaveProperty(name);
    }
    const [mainNames, backendNames] = await Promise.all([exportedNames("index.ts"), exportedNames("backend.ts")]);
    expect(mainNames.filter((name) => backendNames.includes(name))).toEqual([]);
    // Runtime values agree with what the parser found (it must not miss a block).
    for (const name of Object.keys(main)) expect(mainNames).toContain(name);
    for (const name of Object.keys(backend)) expect(backendNames).toContain(name);
  });

  it.each([
    ["index.ts", "### `@rnnlm/core` (the main entry)"],
    ["backend.ts", "### `@rnnlm/core/backend` (for backend authors)"],
  ])("the README lists exactly what %s exports", async (entry, heading) => {
    const readme = await readFile(fileURLToPath(new URL("../README.md", import.meta.url)), "utf8");
    const section = readme.slice(readme.indexOf(heading) + heading.length);
    const listStart = section.search(/^- /m);
    expect(readme.includes(heading) && listStart >= 0, heading).toBe(true);
    const list = section.slice(listStart, section.indexOf("\n\n", listStart));
    const listed = [...list.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]);
    expect(new Set(listed)).toEqual(new Set(await exportedNames(entry)));
  });
});

/** Every name (type or value) an entry file re-exports in `export { … } from` blocks. */
async function exportedNames(entry: string): Promise<string[]> {
  const text = await readFile(join(SRC, entry), "utf8");
  return [...text.matchAll(/^export (?:type )?\{([^}]*)\} from/gm)].flatMap((m) =>
    m[1]
      .split(",")
      .map((part) => part.trim().replace(/^type\s+/, ""))
      .filter((name) => name.length > 0),
  );
}
