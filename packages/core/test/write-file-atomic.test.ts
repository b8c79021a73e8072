import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../src/node/write-file-atomic.js";

describe("writeFileAtomic", () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it("replaces a file whole and leaves no temporary file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rnnlm-atomic-"));
    dirs.push(dir);
    const path = join(dir, "plot.svg");
    await writeFile(path, "old");
    await writeFileAtomic(path, "new text");
    await writeFileAtomic(join(dir, "bytes.bin"), new Uint8Array([1, 2, 3]));
    expect(await readFile(path, "utf8")).toBe("new text");
    expect([...(await readFile(join(dir, "bytes.bin")))]).toEqual([1, 2, 3]);
    expect((await readdir(dir)).sort()).toEqual(["bytes.bin", "plot.svg"]);
  });

  it("fails without touching anything when the folder does not exist", async () => {
    await expect(writeFileAtomic(join(tmpdir(), "rnnlm-no-such-dir", "x.txt"), "x")).rejects.toThrow(/ENOENT/);
  });
});
