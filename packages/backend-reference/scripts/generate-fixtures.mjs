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
// Remove old case folders (those with a case.json) so renamed cases leave nothing behind.
for (const entry of readdirSync(out, { withFileTypes: true })) {
  if (entry.isDirectory() && existsSync(join(out, entry.name, "case.json"))) {
    rmSync(join(out, entry.name), { recursive: true });
  }
}
for (const file of files) {
  const path = join(out, file.path);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, file.bytes);
}
console.log(`wrote ${files.length} files (${files.length / 4} cases) to ${out}`);
