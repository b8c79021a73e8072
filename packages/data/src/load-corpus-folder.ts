import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { buildCorpus, type CorpusOptions } from "./build-corpus.js";
import type { Corpus } from "./corpus.js";
import { DataError } from "./errors.js";

export interface CorpusFolderOptions extends CorpusOptions {
  /** Fail unless train, valid and test are all there (default false: only train is required). */
  requireAllSplits?: boolean;
}

const SPLITS = ["train", "valid", "test"] as const;

/** File names accepted for a split, in order of preference. */
export function splitFileNames(split: "train" | "valid" | "test"): string[] {
  return [`${split}.txt`, `ptb.${split}.txt`, `wiki.${split}.tokens`];
}

/**
 * Loads a folder holding `train.txt`, `valid.txt`, `test.txt` (or `ptb.train.txt`…,
 * `wiki.train.tokens`…). Default level `"word"`: whitespace tokens, `<eos>` per line, ids in
 * order of first appearance over train, then valid, then test (PyTorch `data.Corpus`).
 */
export async function loadCorpusFolder(dir: string, options: CorpusFolderOptions = {}): Promise<Corpus> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new DataError("ERR_FILE_NOT_FOUND", `${resolve(dir)} is a file; point at the folder holding train.txt`);
    }
    names = await readdir(dir);
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError("ERR_FILE_NOT_FOUND", `corpus folder not found: ${resolve(dir)}; check the path`, { cause: e });
  }
  const present = new Set(names);
  const files = SPLITS.map((split) => {
    const name = splitFileNames(split).find((n) => present.has(n));
    if (name === undefined && (split === "train" || options.requireAllSplits)) {
      throw new DataError(
        "ERR_FILE_NOT_FOUND",
        `no ${split} file in ${resolve(dir)}: expected one of ${splitFileNames(split).join(", ")}`,
      );
    }
    return name === undefined ? null : join(dir, name);
  });
  const { codec, splits } = await buildCorpus(files, options, "word");
  return { codec, train: splits[0]!, valid: splits[1], test: splits[2] };
}

/**
 * Loads Mikolov's Penn Treebank (`ptb.{train,valid,test}.txt` or `{train,valid,test}.txt`):
 * 929,589 / 73,760 / 82,430 tokens with `<eos>`, 10,000 words. All three splits are required.
 */
export function loadPtb(dir: string, options: CorpusFolderOptions = {}): Promise<Corpus> {
  return loadCorpusFolder(dir, { level: "word", ...options, requireAllSplits: true });
}
