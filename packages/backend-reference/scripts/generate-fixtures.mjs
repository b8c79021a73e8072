// Regenerates fixtures/conformance/ with the writer of @rnnlm/conformance (beside the reader)
// and this package as the float64 oracle. Run `pnpm fixtures`, which builds both first.
// Deterministic: the same code gives the same bytes. Usage:
//   node scripts/generate-fixtures.mjs [output dir]   (default: <repo>/fixtures/conformance)
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeConformanceFixtures } from "@rnnlm/conformance";
import { ReferenceTrainableModel } from "../dist/index.js";

const out = resolve(process.argv[2] ?? fileURLToPath(new URL("../../../fixtures/conformance/", import.meta.url)));
const files = await writeConformanceFixtures(out, {
  createModel: (spec, weights, training) => new ReferenceTrainableModel(spec, weights, training),
});
const runs = files.filter((f) => f.path.endsWith("/run.json")).length;
const cases = files.filter((f) => f.path.endsWith("/case.json")).length;
console.log(`wrote ${files.length} files (${cases} cases, ${runs} training runs) to ${out}`);
