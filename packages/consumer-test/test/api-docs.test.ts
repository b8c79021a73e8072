import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runCommand } from "../src/run-command.js";
import { findWorkspaceRoot } from "../src/workspace-packages.js";

/**
 * `pnpm docs` stays green: TypeDoc over the published packages with the root typedoc.json
 * (treatWarningsAsErrors), written to a temporary folder. A TSDoc link to something not
 * exported, or a public signature naming an unexported type, fails here.
 */
it("TypeDoc builds the API reference without warnings", async () => {
  const root = findWorkspaceRoot();
  const out = await mkdtemp(join(tmpdir(), "rnnlm-api-docs-"));
  try {
    const result = await runCommand(join(root, "node_modules", ".bin", "typedoc"), ["--out", out], {
      cwd: root,
      env: { ...process.env, NO_COLOR: "1" },
      timeoutMs: 180_000,
    });
    expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
    expect(result.stdout).not.toMatch(/\[warning\]/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
