import { createTokenizer } from "./create-tokenizer.js";
import { DataError } from "./errors.js";
import type { Tokenizer, TokenizerSpec } from "./tokenizer.js";
import { readVersionedJson } from "./versioned-json.js";
import { Vocab, type VocabJSON } from "./vocab.js";

/** What {@link TextCodec.toJSON} writes, so a checkpoint can store and rebuild its codec. */
export interface TextCodecJSON {
  format: "rnnlm-codec";
  version: 1;
  tokenizer: TokenizerSpec;
  vocab: VocabJSON;
}

function invalidJson(problem: string): never {
  throw new DataError(
    "ERR_CODEC_JSON",
    `not a text codec: ${problem}; expected {"format":"rnnlm-codec","version":1,"tokenizer":{...},"vocab":{...}} as TextCodec.toJSON() writes it`,
  );
}

/**
 * A tokenizer plus a vocabulary: text ↔ ids. It has exactly the shape of core's `TokenCodec`
 * (`size`, `unkId`, `separator`, `tokenize`, `idOf`, `tokenOf`), plus `encode`/`decode`.
 */
export class TextCodec {
  readonly tokenizer: Tokenizer;
  readonly vocab: Vocab;

  constructor(tokenizer: Tokenizer, vocab: Vocab) {
    this.tokenizer = tokenizer;
    this.vocab = vocab;
  }

  /** Vocabulary size. */
  get size(): number {
    return this.vocab.size;
  }

  /** Id unknown tokens map to. */
  get unkId(): number {
    return this.vocab.unkId;
  }

  /** Joins decoded tokens: `""` for characters, `" "` for words. */
  get separator(): string {
    return this.tokenizer.separator;
  }

  /** Splits (and cleans, where the tokenizer does) text into tokens. */
  tokenize(text: string): string[] {
    return this.tokenizer.tokenize(text);
  }

  /** Id of a token, or `unkId`. */
  idOf(token: string): number {
    return this.vocab.idOf(token);
  }

  /** Token of an id; throws on an id outside the vocabulary. */
  tokenOf(id: number): string {
    return this.vocab.tokenOf(id);
  }

  encode(text: string): Int32Array {
    return this.vocab.encode(this.tokenize(text));
  }

  decode(ids: ArrayLike<number>): string {
    return this.vocab.decode(ids).join(this.separator);
  }

  toJSON(): TextCodecJSON {
    return { format: "rnnlm-codec", version: 1, tokenizer: this.tokenizer.toJSON(), vocab: this.vocab.toJSON() };
  }

  /** Rebuilds a codec from {@link TextCodec.toJSON}'s output (an object or its JSON text). */
  static fromJSON(json: unknown): TextCodec {
    const v = readVersionedJson(json, "rnnlm-codec", 1, invalidJson);
    return new TextCodec(createTokenizer(v.tokenizer), Vocab.fromJSON(v.vocab));
  }
}
