import { z } from "zod";
import { CONFIG_FLAGS, RENAMED_KEYS } from "./config-keys.js";
import { configFileSchema } from "./run-config.js";

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * The JSON Schema of `rnnlm train --config FILE`, derived from the same zod schema that
 * validates config files, so editors check (and complete) what the CLI accepts: every key in
 * camelCase, kebab-case and snake_case, each described by its flag's help; no other key.
 * `config.schema.json` beside package.json is this, written by `npm run schema`.
 */
export function configJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(configFileSchema, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, Record<string, unknown>>;
  } & Record<string, unknown>;
  const properties: Record<string, Record<string, unknown>> = {};
  for (const [key, schema] of Object.entries(generated.properties)) {
    const def = CONFIG_FLAGS.find((d) => d.key === key);
    // The cell is normalised before validation: PyTorch's LSTM and d2l's rnn are accepted too.
    const base = key === "model" ? { type: "string" } : schema;
    const described = def === undefined ? base : { ...base, description: `--${def.flag}: ${def.help}` };
    for (const spelling of new Set([key, kebab(key), kebab(key).replace(/-/g, "_")])) properties[spelling] = described;
    const renamed = [...RENAMED_KEYS].find(([, now]) => now === key)?.[0];
    // Still read (with a warning), so an old config file validates, marked as deprecated.
    if (renamed !== undefined) {
      properties[renamed] = { ...base, deprecated: true, description: `renamed ${key} (--${def?.flag})` };
    }
  }
  return {
    $schema: generated.$schema,
    $id: "https://unpkg.com/@rnnlm/cli/config.schema.json",
    title: "rnnlm train --config FILE",
    description:
      "A run configuration for the rnnlm command; flags override it. Keys in camelCase, kebab-case or snake_case.",
    type: "object",
    properties,
    additionalProperties: false,
  };
}
