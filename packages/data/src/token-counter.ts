/**
 * Counts tokens and numbers them in order of first appearance (a provisional id), so a corpus
 * can be read once into ids before the final vocabulary order is known.
 */
export class TokenCounter {
  private readonly index = new Map<string, number>();
  private readonly seen: string[] = [];
  private tally = new Int32Array(1024);

  /** Counts one occurrence and returns the token's first-seen index. */
  add(token: string): number {
    const id = this.intern(token);
    this.tally[id]++;
    return id;
  }

  /** Counts one more occurrence of an interned token. */
  countId(id: number): void {
    this.tally[id]++;
  }

  /** The token's first-seen index, registering it (with count 0) if new. */
  intern(token: string): number {
    let id = this.index.get(token);
    if (id === undefined) {
      id = this.seen.length;
      // A token sliced from a large chunk of text can keep that chunk alive; store a copy.
      const key = token.length > 12 ? token.split("").join("") : token;
      this.index.set(key, id);
      this.seen.push(key);
      if (id === this.tally.length) {
        const grown = new Int32Array(this.tally.length * 2);
        grown.set(this.tally);
        this.tally = grown;
      }
    }
    return id;
  }

  /** Distinct tokens in order of first appearance. */
  get tokens(): readonly string[] {
    return this.seen;
  }

  /** Occurrences of `tokens[i]`, in the same order. */
  get counts(): Int32Array {
    return this.tally.subarray(0, this.seen.length);
  }
}
