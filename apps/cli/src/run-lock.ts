import { randomBytes } from "node:crypto";
import { readFileSync, unlinkSync } from "node:fs";
import { link, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { UsageError } from "./usage-error.js";

/** The lock file of a run folder: present while one rnnlm process writes into the folder. */
export const LOCK_FILE = ".rnnlm-lock";

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly started: string;
}

function parseOwner(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (typeof value.pid !== "number" || typeof value.host !== "string") return null;
    return {
      pid: value.pid,
      host: value.host,
      command: String(value.command ?? "rnnlm"),
      started: String(value.started ?? "?"),
    };
  } catch {
    return null;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * A lock is stale when its owner ran on this machine and is gone (killed, crashed), or when
 * the file is unreadable (a crash between creating and filling it cannot happen with the
 * link-based creation below, so garbage means a damaged file).
 */
function isStale(owner: LockOwner | null): boolean {
  if (owner === null) return true;
  return owner.host === hostname() && owner.pid !== process.pid && !processAlive(owner.pid);
}

/** An exclusive lock on a run folder, held by this process until {@link RunLock.release}. */
export class RunLock {
  private released = false;
  private readonly onExit = (): void => {
    // process.exit (a second Ctrl-C) skips finally blocks: drop the lock on the way out.
    try {
      if (readFileSync(this.path, "utf8").includes(this.token)) unlinkSync(this.path);
    } catch {
      // already gone
    }
  };

  private constructor(
    readonly path: string,
    private readonly token: string,
  ) {
    process.once("exit", this.onExit);
  }

  /**
   * Takes the lock of `dir` (created if needed) for `command`, or throws a UsageError naming
   * the process that holds it. A stale lock (its process is gone) is taken over.
   */
  static async acquire(dir: string, command: string): Promise<RunLock> {
    const lock = await RunLock.tryAcquire(dir, command);
    if (lock instanceof RunLock) return lock;
    const holder =
      lock === null
        ? "another process"
        : `rnnlm ${lock.command} (pid ${lock.pid} on ${lock.host}, since ${lock.started})`;
    throw new UsageError(
      `the run folder ${dir} is in use by ${holder}`,
      `wait for it to finish or stop it; if no rnnlm process uses the folder, delete ${join(dir, LOCK_FILE)}`,
    );
  }

  /** Like {@link acquire}, but returns the holder (or null if unknown) instead of throwing. */
  static async tryAcquire(dir: string, command: string): Promise<RunLock | LockOwner | null> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw new UsageError(
        `cannot create the run folder ${dir} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
        "choose a --save folder you can write to",
      );
    }
    const path = join(dir, LOCK_FILE);
    const token = randomBytes(8).toString("hex");
    const owner: LockOwner & { token: string } = {
      pid: process.pid,
      host: hostname(),
      command,
      started: new Date().toISOString(),
      token,
    };
    // Written whole to a private file, then hard-linked into place: link() fails atomically
    // when the lock exists, and the lock is never seen half-written.
    const tmp = join(dir, `${LOCK_FILE}.${token}`);
    try {
      await writeFile(tmp, `${JSON.stringify(owner)}\n`, { flag: "wx" });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new UsageError(`cannot write into the run folder ${dir} (${code})`, "choose a folder you can write to");
    }
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        try {
          await link(tmp, path);
          return new RunLock(path, token);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
            const code = (error as NodeJS.ErrnoException).code ?? String(error);
            throw new UsageError(`cannot lock the run folder ${dir} (${code})`, "choose a folder you can write to");
          }
        }
        const holder = parseOwner(await readFile(path, "utf8").catch(() => "gone"));
        if (!isStale(holder)) return holder;
        // Move the stale lock aside under a unique name so two processes taking it over at
        // once cannot delete each other's fresh lock.
        const aside = join(dir, `${LOCK_FILE}.stale.${token}`);
        await rename(path, aside).then(
          () => rm(aside, { force: true }),
          () => undefined,
        );
      }
      return null;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const holder = await readFile(this.path, "utf8").catch(() => "");
    if (holder.includes(this.token)) await rm(this.path, { force: true });
    // Only now: an exit while the lock was being removed must still remove it.
    process.removeListener("exit", this.onExit);
  }
}
