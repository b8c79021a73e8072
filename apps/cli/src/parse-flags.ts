import { parseArgs } from "node:util";
import type { FlagDef } from "./flag-def.js";
import { normalizeCell } from "./run-config.js";
import { UsageError } from "./usage-error.js";

/** Parsed flags keyed by their primary spelling; values typed per {@link FlagDef}. */
export type FlagValues = Record<string, string | number | boolean | null>;

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}

function convert(command: string, def: FlagDef, raw: string): string | number | null {
  const name = `--${def.flag}`;
  if (def.nullWords?.includes(raw)) return null;
  switch (def.type) {
    case "int": {
      if (!/^[+-]?\d+$/.test(raw.trim())) {
        throw new UsageError(
          `${name} expects an integer, got "${raw}"`,
          `write e.g. ${name} ${def.nullWords ? `10 or ${name} ${def.nullWords[0]}` : "10"}`,
        );
      }
      return Number(raw);
    }
    case "number": {
      const value = Number(raw);
      if (raw.trim() === "" || !Number.isFinite(value)) {
        throw new UsageError(`${name} expects a number, got "${raw}"`, `write e.g. ${name} 0.5`);
      }
      return value;
    }
    case "choice": {
      const value = def.key === "model" ? String(normalizeCell(raw)) : raw;
      const choices = def.choices ?? [];
      if (!choices.includes(value) && !(def.key === "model" && choices.includes(raw.toLowerCase()))) {
        throw new UsageError(
          `${name} must be one of ${choices.join(", ")}; got "${raw}"`,
          `run "rnnlm ${command} --help"`,
        );
      }
      return value;
    }
    default:
      if (raw.length === 0) throw new UsageError(`${name} needs a value`, `write e.g. ${name} VALUE`);
      return raw;
  }
}

/**
 * `--valid-fraction -0.2` → `--valid-fraction=-0.2` for numeric flags, so node's parseArgs
 * does not take the negative number for a flag and the range check can name the value.
 */
function joinNegativeNumbers(argv: readonly string[], defs: ReadonlyMap<string, FlagDef>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const def = argv[i].startsWith("--") ? defs.get(argv[i].slice(2)) : undefined;
    const next = argv[i + 1];
    if ((def?.type === "int" || def?.type === "number") && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

/**
 * Parses `argv` against `defs` with node's `parseArgs` (strict: unknown flags and stray
 * arguments are errors), then converts each value to its type. Throws {@link UsageError}.
 */
export function parseFlags(command: string, argv: readonly string[], defs: readonly FlagDef[]): FlagValues {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  const primary = new Map<string, FlagDef>();
  for (const def of defs) {
    const type = def.type === "boolean" ? "boolean" : "string";
    for (const spelling of [def.flag, ...(def.aliases ?? [])]) {
      options[spelling] = { type };
      primary.set(spelling, def);
    }
    if (def.negatable) {
      options[`no-${def.flag}`] = { type: "boolean" };
      primary.set(`no-${def.flag}`, def);
    }
  }
  options.help = { type: "boolean", short: "h" };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeNumbers(argv, primary),
      options,
      strict: true,
      allowPositionals: false,
      tokens: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = errorCode(error);
    const fix = `run "rnnlm ${command} --help" for the flags it takes`;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const flag = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(`unknown flag ${flag} for "rnnlm ${command}"`, fix);
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      const arg = /'([^']+)'/.exec(message)?.[1] ?? message;
      throw new UsageError(
        `unexpected argument "${arg}" for "rnnlm ${command}"`,
        `flags take the form --name value; ${fix}`,
      );
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
      const flag = /'(--[a-z-]+)/.exec(message)?.[1] ?? "a flag";
      if (message.includes("does not take an argument")) {
        throw new UsageError(`${flag} takes no value`, `write ${flag} alone (or --no-${flag.slice(2)})`);
      }
      throw new UsageError(
        `${flag} ${message.includes("argument missing") ? "needs a value" : "has a bad value"}`,
        fix,
      );
    }
    throw new UsageError(message.split("\n")[0], fix);
  }
  const values: FlagValues = {};
  for (const token of parsed.tokens ?? []) {
    if (token.kind !== "option") continue;
    if (token.name === "help") {
      values.help = true;
      continue;
    }
    const def = primary.get(token.name);
    if (def === undefined) continue;
    if (def.type === "boolean") {
      if (token.inlineValue) {
        throw new UsageError(`--${def.flag} takes no value`, `write --${def.flag} or --no-${def.flag}`);
      }
      values[def.flag] = !token.name.startsWith("no-");
      continue;
    }
    values[def.flag] = convert(command, def, token.value ?? "");
  }
  return values;
}
