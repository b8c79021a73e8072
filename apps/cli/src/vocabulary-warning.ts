import type { RunConfig } from "./run-config.js";

const GATES: Record<RunConfig["model"], number> = { lstm: 4, gru: 3, rnn_tanh: 1, rnn_relu: 1 };

/** Below this many tokens a vocabulary is never called huge (every character set is smaller). */
export const HUGE_VOCAB_MIN = 5000;
/** Output-layer weights (V·H) above this multiple of the hidden-to-hidden weights (G·H²·L). */
export const OUTPUT_TO_RECURRENT_MAX = 25;
/** Fewer training tokens per vocabulary entry than this: most words are seen a handful of times. */
export const TOKENS_PER_ENTRY_MIN = 20;

/**
 * A one-line warning when a new vocabulary is huge for the model or the data (a user's own
 * text at word level, where every name and typo becomes a word), or null. It fires when the
 * vocabulary has more than {@link HUGE_VOCAB_MIN} entries, neither `--max-vocab` nor
 * `--min-count` was given, and either the output layer holds over
 * {@link OUTPUT_TO_RECURRENT_MAX}× the recurrent weights or the train split has fewer than
 * {@link TOKENS_PER_ENTRY_MIN} tokens per entry. PTB (10k words, 929k tokens) and the
 * WikiText-2 preset (33k words, 2.1M tokens, 2 × 200 LSTM) stay quiet.
 */
export function vocabularyWarning(config: RunConfig, vocabSize: number, trainTokens: number): string | null {
  if (vocabSize <= HUGE_VOCAB_MIN || config.maxVocab !== null || config.minCount > 1) return null;
  const recurrent = GATES[config.model] * config.nhid * config.nhid * config.nlayers;
  const output = vocabSize * config.nhid;
  const perEntry = trainTokens / vocabSize;
  if (output <= OUTPUT_TO_RECURRENT_MAX * recurrent && perEntry >= TOKENS_PER_ENTRY_MIN) return null;
  return (
    `the vocabulary has ${vocabSize} tokens for ${trainTokens} training tokens (${perEntry.toFixed(1)} per token type) ` +
    `and its output layer ${(output / recurrent).toFixed(0)}× the recurrent weights of ${config.nlayers}×${config.nhid}: ` +
    "rare words will barely train; cap it with --max-vocab 10000 or --min-count 3 (rare words become <unk>)"
  );
}
