import { buildCorpus, type CorpusOptions } from "./build-corpus.js";
import type { Corpus } from "./corpus.js";

/**
 * Loads any text file as a corpus (train split only). Default level `"char"` with d2l
 * cleaning and a frequency-ordered vocabulary; `{ level: "word" }` gives word tokens with
 * `<eos>` per line and first-seen ids.
 */
export async function loadTextFile(path: string, options: CorpusOptions = {}): Promise<Corpus> {
  const { codec, splits } = await buildCorpus([path], options, "char");
  return { codec, train: splits[0]!, valid: null, test: null };
}
