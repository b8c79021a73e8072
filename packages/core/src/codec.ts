/**
 * How core turns text into ids and back without depending on `@rnnlm/data`:
 * data's `TextCodec` (tokenizer + vocabulary) has exactly this shape.
 */
export interface TokenCodec {
  /** Vocabulary size. */
  readonly size: number;
  /** Id unknown tokens map to. */
  readonly unkId: number;
  /** Joins decoded tokens: "" for characters, " " for words. */
  readonly separator: string;
  /** Splits (and cleans, where the tokenizer does) text into tokens. */
  tokenize(text: string): string[];
  /** Id of a token, or `unkId`. */
  idOf(token: string): number;
  /** Token of an id; throws on an id outside the vocabulary. */
  tokenOf(id: number): string;
}
