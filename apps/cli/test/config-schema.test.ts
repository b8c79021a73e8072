import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_FLAGS } from "../src/config-keys.js";
import { configJsonSchema } from "../src/config-schema.js";
import { presetsDir } from "../src/presets.js";

const committed = JSON.parse(readFileSync(new URL("../config.schema.json", import.meta.url), "utf8")) as {
  properties: Record<string, { description?: string; type?: string }>;
  additionalProperties: boolean;
};

describe("config.schema.json", () => {
  it("is what the zod schema generates now (else: npm run build && npm run schema in apps/cli)", () => {
    expect(committed).toEqual(configJsonSchema());
  });

  it("allows every config key in three spellings, described by its flag, and nothing else", () => {
    expect(committed.additionalProperties).toBe(false);
    for (const def of CONFIG_FLAGS) {
      if (def.key === undefined) continue;
      const snake = def.key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      for (const spelling of [def.key, snake, snake.replace(/_/g, "-")]) {
        expect(committed.properties[spelling]?.description, spelling).toContain(`--${def.flag}`);
      }
    }
    expect(committed.properties.hidden_units).toBeUndefined();
  });

  it("covers every key the shipped presets use", () => {
    for (const file of readdirSync(presetsDir()).filter((f) => f.endsWith(".json"))) {
      const preset = JSON.parse(readFileSync(`${presetsDir()}${file}`, "utf8")) as Record<string, unknown>;
      for (const key of Object.keys(preset)) expect(committed.properties, `${file}: ${key}`).toHaveProperty(key);
    }
  });
});
