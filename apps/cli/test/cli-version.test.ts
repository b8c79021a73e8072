import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CapturedOutput } from "../src/cli-output.js";
import { runCli } from "../src/run-cli.js";

describe("rnnlm --version", () => {
  it("prints the version in apps/cli/package.json, whatever it is", async () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    for (const flag of ["--version", "-v"]) {
      const stdout = new CapturedOutput();
      const code = await runCli([flag], { stdout, stderr: new CapturedOutput(), env: {} });
      expect(code).toBe(0);
      expect(stdout.text).toBe(`rnnlm ${manifest.version}\n`);
    }
  });
});
