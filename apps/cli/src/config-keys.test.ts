import { describe, expect, it } from "vitest";
import { CONFIG_FLAGS, CONFIG_KEYS, type ConfigKey, configFlagsOf, configKeySpec } from "./config-keys.js";
import { helpText } from "./help-text.js";
import { DEFAULT_CONFIG, resolveRunConfig, runConfigSchema } from "./run-config.js";
import { UsageError } from "./usage-error.js";

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
