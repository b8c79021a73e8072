import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tarArchive } from "../src/train/tar-archive.js";

describe("tarArchive", () => {
  it("is read back file for file by the system's tar", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rnnlm-web-tar-"));
    try {
      const files = [
        { name: "last/config.json", bytes: new TextEncoder().encode('{"a": 1}\n') },
        { name: "last/model.safetensors", bytes: new Uint8Array(randomBytes(1500)) },
        { name: "empty.txt", bytes: new Uint8Array(0) },
        { name: "text.txt", bytes: new TextEncoder().encode("été\n".repeat(200)) },
      ];
      const archive = tarArchive(files, 1_700_000_000);
      expect(archive.length % 512).toBe(0);
      await writeFile(join(dir, "run.tar"), archive);
      const listed = spawnSync("tar", ["tvf", "run.tar"], { cwd: dir, encoding: "utf8" });
      expect(listed.status).toBe(0);
      expect(listed.stdout).toContain("2023-11-14");
      const result = spawnSync("tar", ["xf", "run.tar"], { cwd: dir, encoding: "utf8" });
      expect(result.stderr).toBe("");
      expect(result.status).toBe(0);
      for (const file of files) expect(new Uint8Array(await readFile(join(dir, file.name)))).toEqual(file.bytes);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
