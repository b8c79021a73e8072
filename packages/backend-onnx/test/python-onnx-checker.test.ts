import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseModelSpec } from "@rnnlm/core";
import { describe, expect, it } from "vitest";
import { buildGreedyModel } from "../src/format/greedy-graph.js";
import { exportOnnx } from "../src/index.js";
import { caseWeights, modelCases } from "./model-cases.js";

/**
 * The standard ONNX checker (Python `onnx`, Debian's python3-onnx) must accept every export.
 * Python comes from RNNLM_PYTHON, else /usr/bin/python3. Without python or onnx the test
 * skips with the reason printed; with RNNLM_REQUIRE_TOOLS=1 it fails instead.
 */
const CHECK = `
import sys, onnx
print("onnx", onnx.__version__)
for path in sys.argv[1:]:
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    print("ok", path)
`;

function findPython(): { python: string } | { reason: string } {
  const python = process.env.RNNLM_PYTHON ?? "/usr/bin/python3";
  if (process.env.RNNLM_PYTHON === undefined && !existsSync(python)) return { reason: `${python} not found` };
  const probe = spawnSync(python, ["-c", "import onnx"], { encoding: "utf8" });
  if (probe.error !== undefined) return { reason: `${python} cannot run: ${probe.error.message}` };
  if (probe.status !== 0) return { reason: `${python} has no onnx package (apt-get install python3-onnx)` };
  return { python };
}

const found = findPython();
const required = process.env.RNNLM_REQUIRE_TOOLS === "1";
if ("reason" in found) {
  console.warn(`python onnx checker test skipped: ${found.reason}`);
}

describe("onnx.checker.check_model(full_check=True)", () => {
  it.runIf("python" in found || required)("accepts every exported model and its greedy Loop model", async () => {
    if ("reason" in found) throw new Error(`RNNLM_REQUIRE_TOOLS=1 but ${found.reason}`);
    const dir = await mkdtemp(join(tmpdir(), "rnnlm-onnx-check-"));
    try {
      const cases = [
        ...modelCases(),
        {
          name: "d2l",
          spec: parseModelSpec({ cell: "lstm", vocabSize: 28, hiddenSize: 32, numLayers: 2, init: "d2l" }),
        },
      ];
      const paths: string[] = [];
      for (const [i, { spec }] of cases.entries()) {
        const path = join(dir, `case-${i}.onnx`);
        await writeFile(
          path,
          exportOnnx(spec, caseWeights(spec, i), { codec: { tokens: ["a"] }, metadata: { k: "v" } }),
        );
        paths.push(path);
        // The greedy-generation Loop model built at load time (never written to files) passes too.
        const greedyPath = join(dir, `case-${i}-greedy.onnx`);
        await writeFile(greedyPath, buildGreedyModel(spec, caseWeights(spec, i)));
        paths.push(greedyPath);
      }
      const out = execFileSync(found.python, ["-c", CHECK, ...paths], { encoding: "utf8" });
      expect(out.split("\n").filter((l) => l.startsWith("ok "))).toHaveLength(paths.length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
