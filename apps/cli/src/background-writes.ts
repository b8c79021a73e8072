/**
 * Writes that run behind the work producing them, one at a time, newest per key: a write
 * scheduled under a key that is still waiting replaces the waiting one (a run whose epochs are
 * faster than the disk saves its newest checkpoint, not a backlog of old ones). The first
 * failure is kept and thrown by `check` and `flush`.
 */
export class BackgroundWrites {
  private readonly waiting = new Map<string, () => Promise<void>>();
  private draining: Promise<void> | null = null;
  private failure: { readonly error: unknown } | null = null;

  /** Schedules `write` under `key`, replacing a write of that key not yet started. */
  schedule(key: string, write: () => Promise<void>): void {
    this.waiting.delete(key);
    this.waiting.set(key, write);
    this.draining ??= this.drain();
  }

  /** Throws the first failed write's error, if any. */
  check(): void {
    if (this.failure !== null) throw this.failure.error;
  }

  /** Waits for every scheduled write, then throws the first failure, if any. */
  async flush(): Promise<void> {
    while (this.draining !== null) await this.draining;
    this.check();
  }

  private async drain(): Promise<void> {
    for (let next = this.waiting.entries().next(); !next.done; next = this.waiting.entries().next()) {
      const [key, write] = next.value;
      this.waiting.delete(key);
      try {
        await write();
      } catch (error) {
        this.failure ??= { error };
      }
    }
    this.draining = null;
  }
}
