import type { FlagDef } from "./flag-def.js";

function flagLabel(def: FlagDef): string {
  const names = [def.flag, ...(def.aliases ?? [])].map((n) => `--${n}`);
  if (def.negatable) names.push(`--no-${def.flag}`);
  const value = def.type === "boolean" ? "" : ` ${def.choices ? def.choices.join("|") : (def.placeholder ?? "VALUE")}`;
  return `${names.join(", ")}${value}`;
}

/** `--help` text: usage lines, a description, and one line per flag. */
export function helpText(usage: readonly string[], description: string, defs: readonly FlagDef[], notes = ""): string {
  const labels = defs.map(flagLabel);
  const width = Math.min(36, Math.max(...labels.map((l) => l.length)) + 2);
  const lines = defs.map((def, i) => {
    const label = labels[i];
    return label.length + 2 > width
      ? `  ${label}\n  ${" ".repeat(width)}${def.help}`
      : `  ${label.padEnd(width)}${def.help}`;
  });
  return [
    `Usage: ${usage[0]}`,
    ...usage.slice(1).map((u) => `       ${u}`),
    "",
    description,
    "",
    "Flags:",
    ...lines,
    `  ${"-h, --help".padEnd(width)}show this help`,
    ...(notes ? ["", notes] : []),
    "",
  ].join("\n");
}
