import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readConfigFile } from "../src/config-file.js";
import { CONFIG_FLAGS, CONFIG_KEYS, type ConfigKey, configFlagsOf, configKeySpec } from "../src/config-keys.js";
import { splitSavedConfig } from "../src/data-fingerprint.js";
import { configLayerFromFlags } from "../src/flag-layer.js";
import { helpText } from "../src/help-text.js";
import { parseFlags } from "../src/parse-flags.js";
import { DEFAULT_CONFIG, resolveRunConfig, runConfigSchema } from "../src/run-config.js";
import { UsageError } from "../src/usage-error.js";

const keys = Object.keys(CONFIG_KEYS) as ConfigKey[];

describe("the config-key table", () => {
  it("gives every key one flag, a default its own schema accepts, and a help line", () => {
    const spellings = new Set<string>();
    for (const key of keys) {
      const spec = configKeySpec(key);
      for (const spelling of [spec.flag, ...(spec.aliases ?? [])]) {
        expect(spellings.has(spelling), spelling).toBe(false);
        spellings.add(spelling);
      }
      expect(spec.schema.safeParse(spec.default).success, key).toBe(true);
      expect(spec.help.length, key).toBeGreaterThan(0);
    }
    expect(runConfigSchema.parse(DEFAULT_CONFIG)).toEqual(DEFAULT_CONFIG);
    expect(CONFIG_FLAGS.map((def) => def.key)).toEqual(keys);
  });

  it("derives each command's flags and their --help lines from it", () => {
    expect(configFlagsOf("eval").map((def) => def.flag)).toEqual([
      "data",
      "bptt",
      "max-tokens",
      "backend",
      "device",
      "threads",
      "eval-batch-size",
    ]);
    const help = helpText(["rnnlm train"], "", CONFIG_FLAGS);
    for (const key of keys) expect(help, key).toContain(`--${configKeySpec(key).flag}`);
    expect(help).toContain("--bptt, --num-steps T");
  });

  it("checks how keys combine once, naming the flags", () => {
    const fails = (layer: Parameters<typeof resolveRunConfig>[0], message: RegExp) => {
      expect(() => resolveRunConfig(layer)).toThrow(UsageError);
      expect(() => resolveRunConfig(layer)).toThrow(message);
    };
    fails({ tied: true }, /--tied needs a learned embedding .*--emsize equal to --nhid \(256\)/);
    fails({ tied: true, emsize: 100, nhid: 200 }, /--tied needs --emsize \(100\) = --nhid \(200\)/);
    fails({ initScale: 0.05 }, /--init-scale applies to init "uniform" only/);
    expect(resolveRunConfig({ tied: true, emsize: 64, nhid: 64, init: "uniform", initScale: 0.05 }).tied).toBe(true);
  });
});

describe("a renamed key (sampling → batchOrder)", () => {
  it("is still accepted as a flag, reported once on the warning channel, and named as typed in errors", () => {
    const warnings: string[] = [];
    const values = parseFlags("train", ["--sampling", "random", "--sampling", "bptt"], CONFIG_FLAGS, (m) =>
      warnings.push(m),
    );
    expect(configLayerFromFlags(values, "train")).toEqual({ batchOrder: "bptt" });
    expect(warnings).toEqual(["--sampling is renamed --batch-order; it is still accepted, but write --batch-order"]);
    expect(() => parseFlags("train", ["--sampling", "shuffled"], CONFIG_FLAGS)).toThrow(/^--sampling must be one of/);
    const current: string[] = [];
    expect(parseFlags("train", ["--batch-order", "random"], CONFIG_FLAGS, (m) => current.push(m))).toEqual({
      "batch-order": "random",
    });
    expect(current).toEqual([]);
  });

  it("is read from a config file as the new key, with one warning naming it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "rnnlm-renamed-"));
    try {
      const file = join(dir, "old.json");
      await writeFile(file, JSON.stringify({ sampling: "random", nhid: 8 }));
      const warnings: string[] = [];
      expect(await readConfigFile(file, (m) => warnings.push(m))).toEqual({ batchOrder: "random", nhid: 8 });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/"sampling" is renamed "batchOrder"/);
      await writeFile(file, JSON.stringify({ sampling: "random", batchOrder: "bptt" }));
      await expect(readConfigFile(file)).rejects.toThrow(/sets both "sampling" and "batchOrder"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("is read silently from a checkpoint saved before the rename", () => {
    const saved = { ...DEFAULT_CONFIG, batchOrder: undefined, sampling: "random", dataFingerprint: "sha256:0" };
    delete saved.batchOrder;
    const { config, fingerprint } = splitSavedConfig(saved);
    expect(fingerprint).toBe("sha256:0");
    expect(runConfigSchema.parse(config).batchOrder).toBe("random");
    expect(splitSavedConfig({ sampling: "random", batchOrder: "bptt" }).config).toEqual({ batchOrder: "bptt" });
  });
});
