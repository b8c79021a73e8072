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

  /**
   * `n` values of {@link uniform}: the numbers `n` calls would draw, in order, leaving the same
   * state behind — but with the generator's step inlined (dropout masks draw ~10⁵ per step).
   */
  uniforms(n: number): Float64Array {
    const out = new Float64Array(n);
    this.fillUniforms(out, -1, 1);
    return out;
  }

  /**
   * Fills `out` with `out.length` draws of {@link uniform} (the same numbers, the same state
   * left behind), each written as 0 where u < `p`, else `value`: a dropout mask, drawn in one
   * pass (no array of the uniforms in between).
   */
  bernoulliMask(out: Float32Array | Float64Array, p: number, value: number): void {
    if (!(p >= 0 && p < 1)) throw new RangeError(`p must be in [0, 1), got ${p}`);
    this.fillUniforms(out, p, value);
  }

  /** The uniforms themselves where `p` < 0, else 0 or `value` as {@link bernoulliMask}. */
  private fillUniforms(out: Float32Array | Float64Array, p: number, value: number): void {
    // pure-rand's xoroshiro128+ on 32-bit halves (getState() is [s01, s00, s11, s10]), two
    // steps per value as uniformFloat64 takes them: the low 26 bits of one draw, then 27 of the
    // next. The step is written out twice: a helper function would keep the state in memory.
    const state = this.rng.getState();
    let s01 = state[0] | 0;
    let s00 = state[1] | 0;
    let s11 = state[2] | 0;
    let s10 = state[3] | 0;
    const raw = p < 0;
    const n = out.length;
    for (let i = 0; i < n; i++) {
      const high = (s00 + s10) & 0x3ffffff;
      let a0 = s10 ^ s00;
      let a1 = s11 ^ s01;
      let t00 = s00;
      s00 = (t00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
      s01 = (s01 << 24) ^ (t00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
      s10 = (a1 << 5) ^ (a0 >>> 27);
      s11 = (a0 << 5) ^ (a1 >>> 27);
      const low = (s00 + s10) & 0x7ffffff;
      a0 = s10 ^ s00;
      a1 = s11 ^ s01;
      t00 = s00;
      s00 = (t00 << 24) ^ (s01 >>> 8) ^ a0 ^ (a0 << 16);
      s01 = (s01 << 24) ^ (t00 >>> 8) ^ a1 ^ ((a1 << 16) | (a0 >>> 16));
      s10 = (a1 << 5) ^ (a0 >>> 27);
      s11 = (a0 << 5) ^ (a1 >>> 27);
      const u = high * 2 ** -26 + low * 2 ** -53;
      // Branch-free 0 or `value`: a branch on random draws mispredicts.
      out[i] = raw ? u : +(u >= p) * value;
    }
    this.rng = xoroshiro128plusFromState([s01, s00, s11, s10]);
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
