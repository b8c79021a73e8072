import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeConformanceFixtures } from "@rnnlm/conformance";
import { afterAll, describe, expect, it } from "vitest";
import { ReferenceTrainableModel } from "../src/index.js";

const committed = fileURLToPath(new URL("../../../fixtures/conformance/", import.meta.url));

function listFiles(root: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue; // README.md and other notes are not generated
    for (const file of readdirSync(join(root, entry.name))) out.push(`${entry.name}/${file}`);
  }
  return out.sort();
}

describe("fixtures/conformance", () => {
  const temp = mkdtempSync(join(tmpdir(), "rnnlm-fixtures-"));
  afterAll(() => rmSync(temp, { recursive: true, force: true }));

  it("regenerates byte for byte (the writer: packages/conformance/src/write-fixtures.ts; run `pnpm --filter @rnnlm/backend-reference fixtures` after changing it)", async () => {
    await writeConformanceFixtures(temp, {
      createModel: (spec, weights, training) => new ReferenceTrainableModel(spec, weights, training),
    });
    const fresh = listFiles(temp);
    expect(listFiles(committed)).toEqual(fresh);
    const differing = fresh.filter((f) => !readFileSync(join(temp, f)).equals(readFileSync(join(committed, f))));
    expect(differing, `files that differ from the committed fixtures: ${differing.join(", ")}`).toEqual([]);
  });

  it("covers every cell × 1–2 layers × (one-hot, embedding, tied)", () => {
    const names = new Set(readdirSync(committed));
    for (const cell of ["rnn_tanh", "rnn_relu", "gru", "lstm"]) {
      for (const layers of [1, 2]) {
        for (const input of ["onehot", "embedding", "tied"]) expect(names).toContain(`${cell}-l${layers}-${input}`);
      }
    }
  });
});
