import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  BpttWindows,
  DataError,
  type DataErrorCode,
  loadCorpusFolder,
  loadPtb,
  loadTextFile,
  loadTimeMachine,
  RandomBatches,
  SequentialBatches,
  TextCodec,
  Vocab,
  WordTokenizer,
} from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "rnnlm-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function thrown(f: () => unknown): DataError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error("expected a DataError, nothing was thrown");
}

async function rejected(p: Promise<unknown>): Promise<DataError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return e as DataError;
  }
  throw new Error("expected a DataError, the promise resolved");
}

function expectError(e: DataError, code: DataErrorCode, message: RegExp | string): void {
  expect(e.code).toBe(code);
  expect(e.name).toBe("DataError");
  if (typeof message === "string") expect(e.message).toContain(message);
  else expect(e.message).toMatch(message);
}

describe("missing files name the path", () => {
  it("a text file", async () => {
    const path = join(dir, "no-such.txt");
    expectError(await rejected(loadTextFile(path)), "ERR_FILE_NOT_FOUND", `corpus file not found: ${path}`);
    expectError(await rejected(loadTimeMachine({ path })), "ERR_FILE_NOT_FOUND", path);
  });

  it("a corpus folder, or a folder without a train file", async () => {
    const missing = join(dir, "no-such-folder");
    expectError(await rejected(loadPtb(missing)), "ERR_FILE_NOT_FOUND", `corpus folder not found: ${missing}`);
    expectError(await rejected(loadCorpusFolder(dir)), "ERR_FILE_NOT_FOUND", `no train file in ${resolve(dir)}`);
    const file = join(dir, "plain.txt");
    writeFileSync(file, "a b\n");
    expectError(await rejected(loadCorpusFolder(file)), "ERR_FILE_NOT_FOUND", "is a file; point at the folder");
    expectError(await rejected(loadTextFile(dir)), "ERR_FILE_NOT_FOUND", "is a folder, not a text file");
  });
});

describe("empty corpora", () => {
  it("an empty file, and a file with nothing left after cleaning", async () => {
    const empty = join(dir, "empty.txt");
    writeFileSync(empty, "");
    expectError(await rejected(loadTextFile(empty)), "ERR_EMPTY_CORPUS", `corpus file ${empty} has no tokens`);
    const punct = join(dir, "punct.txt");
    writeFileSync(punct, "1898 -- !!\n\n42\n");
    expectError(
      await rejected(loadTextFile(punct, { clean: "d2l" })),
      "ERR_EMPTY_CORPUS",
      "has no tokens after cleaning",
    );
    const blank = join(dir, "blank.txt");
    writeFileSync(blank, "   \n\t\n");
    expectError(
      await rejected(loadTextFile(blank, { tokenizer: new WordTokenizer({ eos: null }) })),
      "ERR_EMPTY_CORPUS",
      blank,
    );
  });
});

describe("corpora too short for batch × steps say the minimum", () => {
  it("random batches need B·T + T tokens", () => {
    const e = thrown(() => new RandomBatches(range(4 * 5 + 5 - 1), { batchSize: 4, numSteps: 5, seed: 0 }));
    expectError(e, "ERR_CORPUS_TOO_SHORT", "corpus of 24 tokens is too short for random batches of 4 × 5");
    expect(e.message).toContain("needs at least 25 tokens");
    const ok = new RandomBatches(range(25), { batchSize: 4, numSteps: 5, seed: 0 });
    for (let ep = 0; ep < 50; ep++) expect(ok.countBatches(ep)).toBeGreaterThanOrEqual(1);
  });

  it("sequential batches need B·T + T + 1 tokens", () => {
    const e = thrown(() => new SequentialBatches(range(25), { batchSize: 4, numSteps: 5, seed: 0 }));
    expectError(e, "ERR_CORPUS_TOO_SHORT", "needs at least 26 tokens");
    const ok = new SequentialBatches(range(26), { batchSize: 4, numSteps: 5, seed: 0 });
    for (let ep = 0; ep < 50; ep++) expect(ok.countBatches(ep)).toBeGreaterThanOrEqual(1);
  });

  it("bptt windows need 2·B tokens", () => {
    const e = thrown(() => new BpttWindows(range(19), { batchSize: 10, bptt: 35 }));
    expectError(e, "ERR_CORPUS_TOO_SHORT", "needs at least 20 tokens");
    expect(new BpttWindows(range(20), { batchSize: 10, bptt: 35 }).countBatches(0)).toBe(1);
  });
});

describe("non-positive sizes", () => {
  const ids = range(1000);
  for (const bad of [0, -3, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`rejects ${bad}`, async () => {
      expectError(
        thrown(() => new RandomBatches(ids, { batchSize: bad, numSteps: 5, seed: 0 })),
        "ERR_INVALID_OPTION",
        `batchSize must be a positive integer, got ${bad}`,
      );
      expectError(
        thrown(() => new SequentialBatches(ids, { batchSize: 2, numSteps: bad, seed: 0 })),
        "ERR_INVALID_OPTION",
        `numSteps must be a positive integer, got ${bad}`,
      );
      expectError(
        thrown(() => new BpttWindows(ids, { batchSize: 2, bptt: bad })),
        "ERR_INVALID_OPTION",
        `bptt must be a positive integer, got ${bad}`,
      );
      if (bad !== Number.POSITIVE_INFINITY) {
        expectError(
          await rejected(loadTimeMachine({ maxTokens: bad })),
          "ERR_INVALID_OPTION",
          `maxTokens must be a positive integer, got ${bad}`,
        );
      }
    });
  }

  it("rejects a negative minFreq, a bad epoch, a bad seed", () => {
    expectError(
      thrown(() => Vocab.build(["a"], { minFreq: -1 })),
      "ERR_INVALID_OPTION",
      "minFreq must be a non-negative",
    );
    const r = new RandomBatches(ids, { batchSize: 2, numSteps: 5, seed: 0 });
    expectError(
      thrown(() => r.epoch(-1)),
      "ERR_INVALID_OPTION",
      "epoch must be a non-negative integer, got -1",
    );
    expectError(
      thrown(() => r.countBatches(0.5)),
      "ERR_INVALID_OPTION",
      "epoch must be",
    );
    expectError(
      thrown(() => new SequentialBatches(ids, { batchSize: 2, numSteps: 5, seed: 1.5 })),
      "ERR_INVALID_OPTION",
      "seed must be an integer, got 1.5",
    );
  });
});

describe("a vocabulary or codec JSON that is not one", () => {
  it("says what is wrong", () => {
    expectError(
      thrown(() => Vocab.fromJSON("<html>")),
      "ERR_VOCAB_JSON",
      "not a vocabulary: the text is not JSON",
    );
    expectError(
      thrown(() => Vocab.fromJSON({ tokens: ["a"] })),
      "ERR_VOCAB_JSON",
      "format is undefined",
    );
    expectError(
      thrown(() => TextCodec.fromJSON("[]")),
      "ERR_CODEC_JSON",
      "not a text codec: not an object",
    );
  });
});
