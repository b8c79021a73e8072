/** Perplexity as the log lines print it: fixed decimals, exponent notation when huge. */
export function formatPerplexity(value: number): string {
  return value >= 1e5 ? value.toExponential(2) : value.toFixed(2);
}

/** Bits per token of a perplexity: log₂ ppl (bits per character for character models). */
export function bitsPerToken(perplexity: number): number {
  return Math.log2(perplexity);
}

/**
 * The figures of one evaluation: mean cross-entropy in nats (`ln ppl`), perplexity and, for
 * character models, bits per character (`log₂ ppl`, what char-rnn users compare).
 */
export function lossFigures(split: string, perplexity: number, charLevel: boolean, digits = 3): string {
  const parts = [
    `${split} loss ${Math.log(perplexity).toFixed(digits)}`,
    `${split} ppl ${digits > 3 ? perplexity.toFixed(digits) : formatPerplexity(perplexity)}`,
  ];
  if (charLevel) parts.push(`${split} bpc ${bitsPerToken(perplexity).toFixed(digits)}`);
  return parts.join(" | ");
}
