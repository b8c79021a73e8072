import { CharTokenizer, type TextCleaning, TextCodec, Vocab } from "@rnnlm/data";

/** Share of the text (its end, contiguous) held out for validation, as the CLI's char-rnn preset. */
export const VALID_FRACTION = 0.05;

export const CLEANINGS = ["none", "lower", "d2l"] as const;

export function isCleaning(value: string): value is TextCleaning {
  return (CLEANINGS as readonly string[]).includes(value);
}

/** A pasted text turned into ids: training head, validation tail, and the codec of both. */
export interface TrainingCorpus {
  readonly codec: TextCodec;
  readonly train: Int32Array;
  /** Null when the tail would be too short to hold one validation window. */
  readonly valid: Int32Array | null;
}

/**
 * Character ids of `text`, as `rnnlm train --data FILE --clean …` reads a file: raw
 * characters with line breaks unless cleaned the d2l way; the vocabulary in frequency order.
 * The last {@link VALID_FRACTION} validates when it holds at least `minValidTokens`.
 */
export function buildTrainingCorpus(text: string, clean: TextCleaning, minValidTokens: number): TrainingCorpus {
  const tokenizer = new CharTokenizer({ clean, keepNewlines: clean !== "d2l" });
  const tokens = tokenizer.tokenize(text);
  if (tokens.length < 2) {
    throw new Error(
      `the text has ${tokens.length} character(s)${clean === "none" ? "" : " after cleaning"}: paste or pick a longer text (a few thousand characters train well)`,
    );
  }
  const vocab = Vocab.build(tokens);
  const codec = new TextCodec(tokenizer, vocab);
  const ids = vocab.encode(tokens);
  // Rounded as @rnnlm/data's splitTail does, so `rnnlm train --resume` splits the same text alike.
  const trainLength = Math.floor(ids.length * (1 - VALID_FRACTION));
  if (ids.length - trainLength < minValidTokens) return { codec, train: ids, valid: null };
  return { codec, train: ids.slice(0, trainLength), valid: ids.slice(trainLength) };
}
