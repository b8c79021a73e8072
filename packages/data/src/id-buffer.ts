/** A growing Int32Array (doubling), so a corpus never exists as an array of JS numbers. */
export class IdBuffer {
  private data: Int32Array;
  private used = 0;

  constructor(initialCapacity = 1 << 16) {
    this.data = new Int32Array(Math.max(16, initialCapacity));
  }

  get length(): number {
    return this.used;
  }

  push(id: number): void {
    if (this.used === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.used++] = id;
  }

  /** A tight copy of the ids pushed so far. */
  toInt32Array(): Int32Array {
    return this.data.slice(0, this.used);
  }
}
