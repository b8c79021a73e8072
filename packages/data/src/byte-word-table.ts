/**
 * Byte sequence → id, an open-addressing hash table over UTF-8 bytes, so the word reader can
 * look words up without making a string per occurrence. A string is decoded only the first
 * time a byte sequence is seen, and `resolve` turns it into the id to cache.
 */
export class ByteWordTable {
  private readonly resolve: (token: string) => number;
  // ignoreBOM keeps a word that is U+FEFF (WikiText-2 has some) instead of stripping it.
  private readonly decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  private arena = new Uint8Array(1 << 16);
  private arenaUsed = 0;
  private mask = (1 << 12) - 1;
  /** Per slot: start in the arena, length (0 = empty), hash, id. */
  private starts = new Int32Array(this.mask + 1);
  private lengths = new Int32Array(this.mask + 1);
  private hashes = new Int32Array(this.mask + 1);
  private ids = new Int32Array(this.mask + 1);
  private filled = 0;

  constructor(resolve: (token: string) => number) {
    this.resolve = resolve;
  }

  /** Id of the word `bytes[start, end)` (end > start). */
  idOf(bytes: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
    const len = end - start;
    const { arena, starts, lengths, hashes, mask } = this;
    let slot = h & mask;
    for (;;) {
      const l = lengths[slot];
      if (l === 0) break;
      if (l === len && hashes[slot] === h) {
        const s = starts[slot];
        let same = true;
        for (let i = 0; i < len; i++) {
          if (arena[s + i] !== bytes[start + i]) {
            same = false;
            break;
          }
        }
        if (same) return this.ids[slot];
      }
      slot = (slot + 1) & mask;
    }
    const id = this.resolve(this.decoder.decode(bytes.subarray(start, end)));
    this.insert(slot, bytes, start, end, h, id);
    return id;
  }

  private insert(slot: number, bytes: Uint8Array, start: number, end: number, h: number, id: number): void {
    const len = end - start;
    if (this.arenaUsed + len > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + len));
      grown.set(this.arena.subarray(0, this.arenaUsed));
      this.arena = grown;
    }
    this.arena.set(bytes.subarray(start, end), this.arenaUsed);
    this.starts[slot] = this.arenaUsed;
    this.lengths[slot] = len;
    this.hashes[slot] = h;
    this.ids[slot] = id;
    this.arenaUsed += len;
    if (++this.filled * 2 > this.mask) this.grow();
  }

  private grow(): void {
    const { starts, lengths, hashes, ids } = this;
    const size = (this.mask + 1) * 2;
    this.mask = size - 1;
    this.starts = new Int32Array(size);
    this.lengths = new Int32Array(size);
    this.hashes = new Int32Array(size);
    this.ids = new Int32Array(size);
    for (let s = 0; s < lengths.length; s++) {
      if (lengths[s] === 0) continue;
      let slot = hashes[s] & this.mask;
      while (this.lengths[slot] !== 0) slot = (slot + 1) & this.mask;
      this.starts[slot] = starts[s];
      this.lengths[slot] = lengths[s];
      this.hashes[slot] = hashes[s];
      this.ids[slot] = ids[s];
    }
  }
}
