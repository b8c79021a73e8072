import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendHints } from "../src/choose-backend.js";
import { readConfigFile } from "../src/config-file.js";
import { CONFIG_FLAGS } from "../src/config-keys.js";
import { configLayerFromFlags } from "../src/flag-layer.js";
import { parseFlags } from "../src/parse-flags.js";
import { UsageError } from "../src/usage-error.js";

const parse = (...argv: string[]) => configLayerFromFlags(parseFlags("train", argv, CONFIG_FLAGS), "train");

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rnnlm-spellings-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("PyTorch's underscore flags", () => {
  it("set the same keys as the kebab-case flags, for every multi-word flag", () => {
    const multiWord = CONFIG_FLAGS.filter((def) => def.flag.includes("-") && def.type === "int");
    expect(multiWord.length).toBeGreaterThan(3);
    for (const def of multiWord) {
      const value = def.flag === "max-vocab" ? "7" : "3";
      expect(parse(`--${def.flag.replace(/-/g, "_")}`, value), def.flag).toEqual(parse(`--${def.flag}`, value));
    }
    expect(parse("--batch_size", "20", "--log_interval", "200", "--num_steps", "35", "--no_tied")).toEqual({
      batchSize: 20,
      logInterval: 200,
      bptt: 35,
      tied: false,
    });
  });

  it("are reported under the flag's primary spelling in errors", () => {
    expect(() => parse("--batch_size", "x")).toThrow(/--batch-size expects an integer/);
    expect(() => parse("--batch__size", "2")).toThrow(UsageError);
  });
});

describe("--cuda", () => {
  const flags = (...argv: string[]) => parseFlags("train", argv, CONFIG_FLAGS);

  it("means the best CUDA device of any backend (= --backend auto --device cuda)", () => {
    const values = flags("--cuda");
    expect(values).toEqual({ device: "cuda", backend: "auto" });
    expect(backendHints({ flag: values.backend as string, device: values.device as string, env: {} })).toEqual([
      "tfjs:cuda",
      "onnx:cuda",
      "reference:cuda",
    ]);
    expect(flags("--cuda", "--backend", "tfjs")).toEqual({ device: "cuda", backend: "tfjs" });
    expect(flags("--cuda", "--device", "cuda")).toEqual({ device: "cuda", backend: "auto" });
  });

  it("conflicts with another device or a backend pinned to one", () => {
    expect(() => flags("--cuda", "--device", "wasm")).toThrow(/--cuda conflicts with --device wasm/);
    expect(() => flags("--cuda", "--backend", "tfjs:wasm")).toThrow(/--cuda conflicts with --backend tfjs:wasm/);
  });

  it("exists only where a command takes --device", () => {
    expect(() => parseFlags("export", ["--cuda"], [{ flag: "onnx", type: "string", help: "" }])).toThrow(
      /unknown flag --cuda/,
    );
  });
});

describe("config files in PyTorch's spelling", () => {
  it("accept snake_case keys and name an unknown key as written", async () => {
    const good = join(dir, "snake.json");
    await writeFile(good, JSON.stringify({ batch_size: 20, log_interval: 5, max_vocab: null, nhid: 8 }));
    expect(await readConfigFile(good)).toEqual({ batchSize: 20, logInterval: 5, maxVocab: null, nhid: 8 });
    const bad = join(dir, "bad.json");
    await writeFile(bad, JSON.stringify({ nhid: 8, hidden_units: 3 }));
    await expect(readConfigFile(bad)).rejects.toThrow(/unknown key\(s\) "hidden_units"/);
  });
});
