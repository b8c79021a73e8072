import { stat } from "node:fs/promises";
import { join } from "node:path";
import {
  type Corpus,
  loadCorpusFolder,
  loadTextFile,
  loadTimeMachine,
  type TextCleaning,
  type TextCodec,
} from "@rnnlm/data";
import type { RunConfig } from "./run-config.js";
import { UsageError } from "./usage-error.js";

/** The corpus shipped with `@rnnlm/data`, accepted as `--data timemachine`. */
export const TIME_MACHINE = "timemachine";

export interface CorpusRequest {
  /** `--data` value: a file, a folder, or `timemachine`. */
  readonly data: string | null;
  readonly level: "char" | "word" | null;
  readonly maxTokens: number | null;
  /** null: `d2l` for `timemachine`, `none` for anything else (ignored with a `codec`). */
  readonly clean: TextCleaning | null;
  /** The last fraction of a one-file corpus validates; 0 = no split. */
  readonly validFraction: number;
  /** Vocabulary cap (`<unk>` included) and minimum count for a new vocabulary. */
  readonly maxVocab: number | null;
  readonly minCount: number;
  /** A checkpoint's codec: the corpus is encoded with it, and must fit its vocabulary. */
  readonly codec?: TextCodec;
}

async function kindOf(path: string): Promise<"file" | "folder" | "other" | null> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? "folder" : info.isFile() ? "file" : "other";
  } catch {
    return null;
  }
}

/** The split files a corpus folder may hold (read by @rnnlm/data's loadCorpusFolder). */
const SPLIT_FILES = ["train.txt", "valid.txt", "test.txt"];

/** A device (`/dev/zero`), a pipe or a socket could be read forever: only regular files are corpora. */
function notRegular(path: string): UsageError {
  return new UsageError(
    `--data ${path} is not a regular file (a device, pipe or socket)`,
    "pass a text file, a folder with train.txt/valid.txt/test.txt, or timemachine",
  );
}

async function loadFresh(request: CorpusRequest): Promise<Corpus> {
  const data = request.data;
  if (data === null) {
    throw new UsageError(
      "no training data",
      "pass --data FILE|DIR (a text file, a folder with train.txt/valid.txt/test.txt, or timemachine)",
    );
  }
  const maxTokens = request.maxTokens ?? Number.POSITIVE_INFINITY;
  const tokenizer = request.codec?.tokenizer;
  const level = tokenizer?.kind ?? request.level ?? undefined;
  const kind = await kindOf(data);
  const vocabOptions = {
    ...(request.maxVocab === null ? {} : { maxSize: request.maxVocab }),
    ...(request.minCount > 1 ? { minFreq: request.minCount } : {}),
  };
  const validFraction = request.validFraction;
  if (kind === null && data === TIME_MACHINE) {
    const clean = tokenizer?.toJSON().clean ?? request.clean ?? "d2l";
    return loadTimeMachine({ level: level ?? "char", clean, maxTokens, validFraction, ...vocabOptions });
  }
  if (kind === null) {
    throw new UsageError(
      `--data ${data} does not exist`,
      `pass an existing text file, a folder with train.txt/valid.txt/test.txt, or "${TIME_MACHINE}"`,
    );
  }
  if (kind === "other") throw notRegular(data);
  const options = {
    maxTokens,
    ...vocabOptions,
    ...(tokenizer
      ? { tokenizer }
      : { ...(level ? { level } : {}), ...(request.clean ? { clean: request.clean } : {}) }),
  };
  if (kind === "folder") {
    for (const name of SPLIT_FILES)
      if ((await kindOf(join(data, name))) === "other") throw notRegular(join(data, name));
    if (validFraction > 0) {
      throw new UsageError(
        `--valid-fraction ${validFraction} splits one text file, but --data ${data} is a folder with its own splits`,
        "drop --valid-fraction (the folder's valid.txt validates), or point --data at one text file",
      );
    }
    return loadCorpusFolder(data, options);
  }
  return loadTextFile(data, { ...options, validFraction });
}

/**
 * Re-encodes `corpus` with the checkpoint's `codec`. Throws a {@link UsageError} when the
 * corpus has tokens the checkpoint's vocabulary lacks or was tokenised differently.
 */
function encodeWith(corpus: Corpus, codec: TextCodec, data: string): Corpus {
  const fresh = corpus.codec;
  const missing = fresh.vocab.tokens.filter((token) => !codec.vocab.has(token));
  if (missing.length > 0) {
    const sample = missing
      .slice(0, 5)
      .map((t) => JSON.stringify(t))
      .join(", ");
    throw new UsageError(
      `the vocabulary of the checkpoint (${codec.size} tokens) does not match --data ${data}: ${missing.length} of its ${fresh.size} tokens are not in it (${sample}${missing.length > 5 ? ", …" : ""})`,
      "use the corpus the model was trained on, or train a new model on this one",
    );
  }
  const remap = new Int32Array(fresh.size);
  for (let id = 0; id < fresh.size; id++) remap[id] = codec.idOf(fresh.tokenOf(id));
  const encode = (ids: Int32Array | null): Int32Array | null => (ids === null ? null : ids.map((id) => remap[id]));
  return { codec, train: encode(corpus.train)!, valid: encode(corpus.valid), test: encode(corpus.test) };
}

/**
 * Loads `--data` (with the vocabulary built from it, or the checkpoint's `codec`, which the
 * corpus must fit).
 */
export async function loadCorpus(request: CorpusRequest): Promise<Corpus> {
  const corpus = await loadFresh(request);
  return request.codec ? encodeWith(corpus, request.codec, request.data ?? "") : corpus;
}

/** The corpus keys of a run configuration. */
export function corpusRequestOf(config: RunConfig): Omit<CorpusRequest, "codec"> {
  return {
    data: config.data,
    level: config.level,
    maxTokens: config.maxTokens,
    clean: config.clean,
    validFraction: config.validFraction,
    maxVocab: config.maxVocab,
    minCount: config.minCount,
  };
}
