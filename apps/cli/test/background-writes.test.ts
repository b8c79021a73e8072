import { describe, expect, it } from "vitest";
import { BackgroundWrites } from "../src/background-writes.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("BackgroundWrites", () => {
  it("writes one at a time in order, and a newer write of a waiting key replaces it", async () => {
    const writes = new BackgroundWrites();
    const log: string[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    writes.schedule("last", async () => {
      log.push("last 1 start");
      await gate;
      log.push("last 1 end");
    });
    writes.schedule("last", async () => {
      log.push("last 2");
    });
    writes.schedule("best", async () => {
      log.push("best 2");
    });
    writes.schedule("last", async () => {
      log.push("last 3");
    });
    await tick();
    expect(log).toEqual(["last 1 start"]);
    release();
    await writes.flush();
    // last 2 was still waiting when last 3 came: only the newest is written.
    expect(log).toEqual(["last 1 start", "last 1 end", "best 2", "last 3"]);
  });

  it("keeps the first failure for check and flush, and goes on writing the others", async () => {
    const writes = new BackgroundWrites();
    const done: string[] = [];
    writes.schedule("a", async () => {
      throw new Error("disk full");
    });
    writes.schedule("b", async () => {
      done.push("b");
    });
    await expect(writes.flush()).rejects.toThrow("disk full");
    expect(() => writes.check()).toThrow("disk full");
    expect(done).toEqual(["b"]);
  });

  it("flush with nothing scheduled resolves", async () => {
    await expect(new BackgroundWrites().flush()).resolves.toBeUndefined();
  });
});
