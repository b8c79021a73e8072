import { nonNegativeInteger } from "./check-option.js";
import { DataError } from "./errors.js";
import { TokenCounter } from "./token-counter.js";
import { readVersionedJson } from "./versioned-json.js";

/**
 * How ids are assigned.
 * - `"frequency"` (d2l): `<unk>` is 0, then the reserved tokens, then tokens by descending
 *   count; ties keep first-seen order (a stable sort).
 * - `"first-seen"` (word LM, PyTorch `data.Dictionary`): the reserved tokens, then tokens in
 *   order of first appearance. PTB and WikiText contain `<unk>` themselves, so it keeps the id
 *   of its first appearance; a corpus without `<unk>` gets it appended as the last id, so the
 *   ids of the corpus's own tokens still match PyTorch's.
 */
export type VocabOrder = "frequency" | "first-seen";

export interface VocabOptions {
  /** Default `"frequency"` (d2l). */
  order?: VocabOrder;
  /** Tokens seen fewer than `minFreq` times are dropped (map to `<unk>`). Default 0. */
  minFreq?: number;
  /**
   * At most this many ids, `<unk>` and the reserved tokens included: the most frequent tokens
   * are kept (ties: the first seen), the rest map to `<unk>`. Default: no limit.
   */
  maxSize?: number;
  /** Tokens that always get an id, right after `<unk>` (frequency) or first (first-seen). */
  reserved?: readonly string[];
  /** The unknown token. Default `"<unk>"`. */
  unk?: string;
}

/** What {@link Vocab.toJSON} writes: the tokens in id order and which one is unknown. */
export interface VocabJSON {
  format: "rnnlm-vocab";
  version: 1;
  unk: string;
  tokens: string[];
}

const VOCAB_JSON_HINT =
  'expected {"format":"rnnlm-vocab","version":1,"unk":string,"tokens":string[]} as Vocab.toJSON() writes it';

function invalidJson(problem: string): never {
  throw new DataError("ERR_VOCAB_JSON", `not a vocabulary: ${problem}; ${VOCAB_JSON_HINT}`);
}

/**
 * Which tokens get an id: seen at least `minFreq` times, and, under `maxSize`, among the
 * most frequent that fit next to the always-kept `fixed` tokens (`<unk>`, reserved).
 */
function keptTokens(
  tokens: readonly string[],
  counts: ArrayLike<number>,
  minFreq: number,
  maxSize: number | undefined,
  fixed: ReadonlySet<string>,
): Uint8Array {
  const keep = new Uint8Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) keep[i] = counts[i] >= minFreq ? 1 : 0;
  if (maxSize === undefined) return keep;
  if (!Number.isInteger(maxSize) || maxSize < fixed.size) {
    throw new DataError(
      "ERR_INVALID_OPTION",
      `maxSize must be an integer ≥ ${fixed.size} (<unk> and the reserved tokens), got ${String(maxSize)}`,
    );
  }
  let budget = maxSize - fixed.size;
  const byCount = tokens.map((_, i) => i).sort((a, b) => counts[b] - counts[a]);
  for (const i of byCount) {
    if (!keep[i] || fixed.has(tokens[i])) continue;
    if (budget > 0) budget--;
    else keep[i] = 0;
  }
  return keep;
}

/** Token ↔ id table. Unknown tokens map to {@link Vocab.unkId}. */
export class Vocab {
  readonly unk: string;
  readonly unkId: number;
  private readonly list: readonly string[];
  private readonly index: ReadonlyMap<string, number>;

  private constructor(list: string[], index: Map<string, number>, unk: string) {
    this.list = list;
    this.index = index;
    this.unk = unk;
    this.unkId = index.get(unk)!;
  }

  /** Counts `tokens` and builds a vocabulary by the rules of `options.order`. */
  static build(tokens: Iterable<string>, options: VocabOptions = {}): Vocab {
    const counter = new TokenCounter();
    for (const t of tokens) counter.add(t);
    return Vocab.fromCounts(counter.tokens, counter.counts, options);
  }

  /**
   * Builds a vocabulary from distinct tokens in first-seen order and their counts (what
   * {@link TokenCounter} collects while a corpus streams in).
   */
  static fromCounts(tokens: readonly string[], counts: ArrayLike<number>, options: VocabOptions = {}): Vocab {
    if (tokens.length !== counts.length) {
      throw new DataError(
        "ERR_INVALID_OPTION",
        `Vocab.fromCounts needs one count per token: got ${tokens.length} tokens and ${counts.length} counts`,
      );
    }
    const order = options.order ?? "frequency";
    if (order !== "frequency" && order !== "first-seen") {
      throw new DataError(
        "ERR_INVALID_OPTION",
        `vocabulary order must be "frequency" or "first-seen", got ${String(order)}`,
      );
    }
    const minFreq = nonNegativeInteger("minFreq", options.minFreq ?? 0);
    const unk = options.unk ?? "<unk>";
    const reserved = options.reserved ?? [];
    const keep = keptTokens(tokens, counts, minFreq, options.maxSize, new Set([unk, ...reserved]));
    const list: string[] = [];
    const index = new Map<string, number>();
    const add = (token: string): void => {
      if (!index.has(token)) {
        index.set(token, list.length);
        list.push(token);
      }
    };
    if (order === "frequency") {
      add(unk);
      for (const r of reserved) add(r);
      const byCount = tokens.map((_, i) => i).sort((a, b) => counts[b] - counts[a]);
      for (const i of byCount) if (keep[i]) add(tokens[i]);
    } else {
      for (const r of reserved) add(r);
      for (let i = 0; i < tokens.length; i++) if (keep[i] || tokens[i] === unk) add(tokens[i]);
      add(unk);
    }
    return new Vocab(list, index, unk);
  }

  /** A vocabulary with exactly these tokens as ids 0…n-1; `unk` must be one of them. */
  static fromTokens(tokens: readonly string[], unk = "<unk>"): Vocab {
    return Vocab.fromJSON({ format: "rnnlm-vocab", version: 1, unk, tokens: [...tokens] });
  }

  /** Rebuilds a vocabulary from {@link Vocab.toJSON}'s output (an object or its JSON text). */
  static fromJSON(json: unknown): Vocab {
    const v = readVersionedJson(json, "rnnlm-vocab", 1, invalidJson);
    if (!Array.isArray(v.tokens)) invalidJson("tokens is not an array");
    if (typeof v.unk !== "string") invalidJson("unk is not a string");
    const list: string[] = [];
    const index = new Map<string, number>();
    v.tokens.forEach((t: unknown, i: number) => {
      if (typeof t !== "string" || t.length === 0) invalidJson(`tokens[${i}] is not a non-empty string`);
      const prev = index.get(t);
      if (prev !== undefined) invalidJson(`token ${JSON.stringify(t)} appears twice (ids ${prev} and ${i})`);
      index.set(t, i);
      list.push(t);
    });
    if (!index.has(v.unk)) invalidJson(`the unknown token ${JSON.stringify(v.unk)} is not among the tokens`);
    return new Vocab(list, index, v.unk);
  }

  get size(): number {
    return this.list.length;
  }

  /** Tokens in id order. */
  get tokens(): readonly string[] {
    return this.list;
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  /** Id of `token`, or {@link Vocab.unkId}. */
  idOf(token: string): number {
    return this.index.get(token) ?? this.unkId;
  }

  /** Token of `id`; throws on an id outside 0…size-1. */
  tokenOf(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.list.length) {
      throw new DataError("ERR_UNKNOWN_ID", `id ${id} is outside the vocabulary (ids 0…${this.list.length - 1})`);
    }
    return this.list[id];
  }

  encode(tokens: Iterable<string>): Int32Array {
    const ids: number[] = [];
    for (const t of tokens) ids.push(this.idOf(t));
    return Int32Array.from(ids);
  }

  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.tokenOf(ids[i]);
    return out;
  }

  toJSON(): VocabJSON {
    return { format: "rnnlm-vocab", version: 1, unk: this.unk, tokens: [...this.list] };
  }
}
