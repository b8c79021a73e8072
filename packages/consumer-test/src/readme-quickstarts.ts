import { readFileSync } from "node:fs";

/** A code block of a README marked `<!-- quickstart:NAME -->` on the line before its opening fence. */
export interface Quickstart {
  readonly name: string;
  readonly code: string;
  /** Lines of code (the README's promise: generate in 3, train + save + export in at most 8). */
  readonly lines: number;
}

/** The marked quick starts of a README, in order, so a test runs exactly what users copy. */
export function readmeQuickstarts(readmePath: string): Quickstart[] {
  const text = readFileSync(readmePath, "utf8");
  const found: Quickstart[] = [];
  for (const match of text.matchAll(/<!-- quickstart:([\w-]+) -->\n```ts\n([\s\S]*?)```\n/g)) {
    const code = match[2];
    found.push({ name: match[1], code, lines: code.split("\n").filter((line) => line.trim() !== "").length });
  }
  return found;
}
