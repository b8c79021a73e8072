import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Static `import`/`export … from`, side-effect `import "x"`, and `import("x")` with a literal. */
const SPECIFIER =
  /(?:^|[;\s])(?:import|export)\s[^;]*?\sfrom\s*["']([^"']+)["']|(?:^|[;\s])import\s*["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;

export interface ImportGraph {
  /** JavaScript files reached inside the followed packages. */
  readonly files: readonly string[];
  /** Bare specifiers of packages that were not followed (third-party, Node built-ins), with a file that imports each. */
  readonly external: ReadonlyMap<string, string>;
}

function pickTarget(value: unknown, conditions: readonly string[]): string | null {
  if (typeof value === "string") return value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  for (const [key, target] of Object.entries(value)) {
    if (key !== "default" && !conditions.includes(key)) continue;
    const picked = pickTarget(target, conditions);
    if (picked !== null) return picked;
  }
  return null;
}

function packageOf(specifier: string): { name: string; subpath: string } {
  const parts = specifier.split("/");
  const size = specifier.startsWith("@") ? 2 : 1;
  const rest = parts.slice(size).join("/");
  return { name: parts.slice(0, size).join("/"), subpath: rest === "" ? "." : `./${rest}` };
}

/**
 * Every module a bundler would reach from `entry` (a bare specifier such as
 * `@rnnlm/backend-onnx`) in the installed `node_modules` of `projectDir`, resolving package
 * exports with `conditions` (plus `default`) as a bundler does. Packages whose name matches
 * `follow` are walked file by file; every other bare import is recorded, not followed.
 */
export function importGraph(
  projectDir: string,
  entry: string,
  conditions: readonly string[],
  follow: (name: string) => boolean,
): ImportGraph {
  const files = new Set<string>();
  const external = new Map<string, string>();
  const pending: string[] = [];

  const resolveBare = (specifier: string, from: string): void => {
    const { name, subpath } = packageOf(specifier);
    if (!follow(name)) {
      if (!external.has(specifier)) external.set(specifier, from);
      return;
    }
    const dir = join(projectDir, "node_modules", name);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      exports?: Record<string, unknown>;
    };
    const target = pickTarget(manifest.exports?.[subpath], conditions);
    if (target === null)
      throw new Error(`${specifier} (imported by ${from}) has no export for ${conditions.join(", ")}`);
    pending.push(resolve(dir, target));
  };

  resolveBare(entry, "(entry)");
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    if (!existsSync(file)) throw new Error(`${file} is imported but does not exist`);
    files.add(file);
    const source = readFileSync(file, "utf8");
    for (const match of source.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (specifier.startsWith(".")) pending.push(resolve(dirname(file), specifier));
      else resolveBare(specifier, file);
    }
  }
  return { files: [...files].sort(), external };
}
