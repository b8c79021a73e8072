import { parseArgs } from "node:util";
import { renamedWarning } from "./config-keys.js";
import type { FlagDef } from "./flag-def.js";
import { UsageError } from "./usage-error.js";

/** Parsed flags keyed by their primary spelling; values typed per {@link FlagDef}. */
export type FlagValues = Record<string, string | number | boolean | null>;

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}

/** `name`: the flag as the error should name it. */
function convert(command: string, def: FlagDef, raw: string, name: string): string | number | null {
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
      const value = def.normalize ? def.normalize(raw) : raw;
      const choices = def.choices ?? [];
      if (!choices.includes(value)) {
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
 * `--nhid -5` → `--nhid=-5`: parseArgs takes "-5" for a flag and says only "bad value", while
 * the range check can say what the flag accepts.
 */
function joinNegativeNumbers(argv: readonly string[], primary: ReadonlyMap<string, FlagDef>): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith("--") ? argv[i].slice(2) : "";
    const def = primary.get(name);
    const next = argv[i + 1];
    if (def && (def.type === "int" || def.type === "number") && next !== undefined && /^-[\d.]/.test(next)) {
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
 * A former spelling of a flag (`renamedFrom`) is reported once to `warn`.
 */
export function parseFlags(
  command: string,
  argv: readonly string[],
  defs: readonly FlagDef[],
  warn?: (message: string) => void,
): FlagValues {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  const primary = new Map<string, FlagDef>();
  for (const def of defs) {
    const type = def.type === "boolean" ? "boolean" : "string";
    for (const spelling of withUnderscores([def.flag, ...(def.aliases ?? []), ...(def.renamedFrom ?? [])])) {
      options[spelling] = { type };
      primary.set(spelling, def);
    }
    if (def.negatable) {
      for (const spelling of withUnderscores([`no-${def.flag}`])) {
        options[spelling] = { type: "boolean" };
        primary.set(spelling, def);
      }
    }
  }
  // PyTorch's --cuda wherever a command takes --device.
  const cuda = defs.some((def) => def.flag === "device") ? CUDA_FLAG : undefined;
  if (cuda !== undefined) {
    options.cuda = { type: "boolean" };
    primary.set("cuda", cuda);
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
      const flag = /'(--[a-z_-]+)/.exec(message)?.[1] ?? "a flag";
      if (message.includes("does not take an argument")) {
        throw new UsageError(`${flag} takes no value`, `write ${flag} alone (or --no-${flag.slice(2)})`);
      }
      if (message.includes("argument missing") || message.includes("ambiguous")) {
        // "ambiguous": the next argument starts with "-" (another flag, e.g. --nhid --lr 1).
        throw new UsageError(
          `${flag} needs a value`,
          `write e.g. ${flag} VALUE (or ${flag}=-VALUE for one that starts with "-")`,
        );
      }
      throw new UsageError(`${flag} has a bad value`, fix);
    }
    throw new UsageError(message.split("\n")[0], fix);
  }
  const values: FlagValues = {};
  const warned = new Set<string>();
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
      values[def.flag] = !/^no[-_]/.test(token.name);
      continue;
    }
    const former = def.renamedFrom !== undefined && withUnderscores(def.renamedFrom).includes(token.name);
    if (former && !warned.has(def.flag)) {
      warned.add(def.flag);
      warn?.(renamedWarning(`--${token.name}`, `--${def.flag}`));
    }
    values[def.flag] = convert(command, def, token.value ?? "", `--${former ? token.name : def.flag}`);
  }
  if (values.cuda !== undefined) applyCuda(values);
  return values;
}

/** `--cuda`: PyTorch's switch to the GPU, here the best CUDA device of the backends auto considers. */
const CUDA_FLAG: FlagDef = {
  flag: "cuda",
  type: "boolean",
  help: "PyTorch's --cuda: the best CUDA backend (= --device cuda; tfjs:cuda trains, onnx:cuda generates)",
};

function applyCuda(values: FlagValues): void {
  const cuda = values.cuda;
  delete values.cuda;
  if (cuda !== true) return;
  if (typeof values.device === "string" && values.device !== "cuda") {
    throw new UsageError(`--cuda conflicts with --device ${values.device}`, "drop one of them");
  }
  const pinned =
    typeof values.backend === "string"
      ? values.backend.split(",").find((hint) => hint.includes(":") && !hint.trim().endsWith(":cuda"))
      : undefined;
  if (pinned !== undefined) {
    throw new UsageError(
      `--cuda conflicts with --backend ${values.backend}`,
      `drop --cuda, or write --backend ${pinned.split(":")[0]}`,
    );
  }
  values.device = "cuda";
  // A config file's backend (say tfjs:wasm) must not win over an explicit --cuda.
  if (values.backend === undefined) values.backend = "auto";
}

/** Each spelling, plus its PyTorch/argparse form with underscores (`batch-size` → `batch_size`). */
function withUnderscores(spellings: readonly string[]): string[] {
  return [...new Set(spellings.flatMap((spelling) => [spelling, spelling.replace(/-/g, "_")]))];
}
