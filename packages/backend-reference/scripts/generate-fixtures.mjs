// Regenerates fixtures/conformance/ from the built reference backend (run `pnpm fixtures`,
// which builds first). Deterministic: the same code gives the same bytes. Usage:
//   node scripts/generate-fixtures.mjs [output dir]   (default: <repo>/fixtures/conformance)
import { mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildConformanceFixtures } from "../dist/index.js";

const out = resolve(process.argv[2] ?? fileURLToPath(new URL("../../../fixtures/conformance/", import.meta.url)));
const files = await buildConformanceFixtures();
mkdirSync(out, { recursive: true });
// Remove old case folders (those with a case.json or run.json) so renamed cases leave nothing behind.
for (const entry of readdirSync(out, { withFileTypes: true })) {
  const generated = ["case.json", "run.json"].some((file) => existsSync(join(out, entry.name, file)));
  if (entry.isDirectory() && generated) {
    rmSync(join(out, entry.name), { recursive: true });
  }
}
for (const file of files) {
  const path = join(out, file.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.bytes);
}
const runs = files.filter((f) => f.path.endsWith("/run.json")).length;
const cases = files.filter((f) => f.path.endsWith("/case.json")).length;
console.log(`wrote ${files.length} files (${cases} cases, ${runs} training runs) to ${out}`);
