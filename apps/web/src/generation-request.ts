import { type SamplingOptions, SpecError, validateSampling } from "@rnnlm/core";

/** Longest generation the page allows in one go. */
export const MAX_LENGTH = 50_000;

/** What the user asked the page to generate. */
export interface GenerationRequest {
  readonly prefix: string;
  readonly length: number;
  readonly sampling: SamplingOptions;
}

/** The form's raw values. */
export interface GenerationFields {
  readonly prefix: string;
  readonly length: string;
  readonly greedy: boolean;
  readonly temperature: string;
  readonly topK: string;
  readonly topP: string;
  readonly seed: string;
}

function numberField(name: string, text: string): number {
  const value = Number(text.trim());
  if (text.trim() === "" || !Number.isFinite(value)) throw new SpecError(`${name} must be a number, got "${text}"`);
  return value;
}

/** Parses and validates the form; throws a `SpecError` naming the bad field. */
export function parseGenerationRequest(fields: GenerationFields): GenerationRequest {
  if (fields.prefix.trim() === "") throw new SpecError("the prefix is empty: type a few words to start from");
  const length = numberField("length", fields.length);
  if (!Number.isInteger(length) || length < 1 || length > MAX_LENGTH) {
    throw new SpecError(`length must be a whole number from 1 to ${MAX_LENGTH}, got ${fields.length}`);
  }
  if (fields.greedy) return { prefix: fields.prefix, length, sampling: { greedy: true } };
  const seedText = fields.seed.trim();
  const seed = seedText === "" ? undefined : numberField("seed", seedText);
  if (seed !== undefined && !Number.isInteger(seed))
    throw new SpecError(`seed must be a whole number, got ${seedText}`);
  const sampling: SamplingOptions = {
    greedy: false,
    temperature: numberField("temperature", fields.temperature),
    topK: numberField("top-k", fields.topK),
    topP: numberField("top-p", fields.topP),
    ...(seed === undefined ? {} : { seed }),
  };
  validateSampling(sampling);
  return { prefix: fields.prefix, length, sampling };
}
