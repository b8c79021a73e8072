import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus, xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/**
 * A seeded random source whose state can be saved and restored, so a resumed run
 * draws exactly the numbers an uninterrupted run would have drawn.
 */
export class SeededRandom {
  private rng: RandomGenerator;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.rng = xoroshiro128plus(seed | 0);
  }

  static fromState(state: RandomState): SeededRandom {
    const r = new SeededRandom(0);
    r.rng = xoroshiro128plusFromState(state.words);
    r.spareNormal = state.spareNormal;
    return r;
  }

  getState(): RandomState {
    return { words: [...this.rng.getState()], spareNormal: this.spareNormal };
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.rng);
  }

  /** Uniform integer in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.rng, from, to);
  }

  /** Standard normal (Box–Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: { length: number; [i: number]: T }): void {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
  }
}

/** Serialisable state of a {@link SeededRandom}. */
export interface RandomState {
  words: number[];
  spareNormal: number | null;
}
