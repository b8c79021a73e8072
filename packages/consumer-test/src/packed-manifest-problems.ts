import type { TarballContents } from "./tarball-contents.js";

const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"] as const;
/** Ranges that only mean something inside this monorepo. */
const LOCAL_RANGE = /^(workspace|link|file|portal):/;

export interface PackedManifestRules {
  /** Files that may ship besides package.json, README.md, LICENSE and dist/** (a trailing "/" allows a folder). */
  readonly extraFiles?: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function allowedFile(file: string, extra: readonly string[]): boolean {
  if (file === "package.json" || file === "README.md" || file === "LICENSE") return true;
  if (file.startsWith("dist/")) return !/\.test\.[cm]?[jt]s(\.map)?$|\.test\.d\.[cm]?ts(\.map)?$/.test(file);
  return extra.some((allowed) => (allowed.endsWith("/") ? file.startsWith(allowed) : file === allowed));
}

/** Every file target of an exports map, with a problem for each condition object whose `types` is not first. */
function walkExports(value: unknown, path: string, targets: string[], problems: string[]): void {
  if (typeof value === "string") {
    targets.push(value);
    return;
  }
  if (!isRecord(value)) return;
  const keys = Object.keys(value);
  if (keys.includes("types") && keys[0] !== "types") {
    problems.push(
      `exports${path}: "types" must be the first condition (TypeScript takes the first match), got ${keys.join(", ")}`,
    );
  }
  for (const key of keys) walkExports(value[key], `${path}[${JSON.stringify(key)}]`, targets, problems);
}

/**
 * What is wrong with a packed package as npm would publish it: local (`workspace:`) ranges,
 * missing license/README/engines/exports targets, `types` not first, files that should not
 * ship, a non-optional peer, a scoped package that would publish as restricted.
 */
export function packedManifestProblems(
  name: string,
  { manifest, files }: TarballContents,
  rules: PackedManifestRules = {},
): string[] {
  const problems: string[] = [];
  if (manifest.name !== name) problems.push(`name is ${JSON.stringify(manifest.name)}, expected ${name}`);
  if (manifest.private === true) problems.push(`"private": true, so it cannot be published`);
  if (typeof manifest.version !== "string" || !/^\d+\.\d+\.\d+/.test(manifest.version)) {
    problems.push(`version ${JSON.stringify(manifest.version)} is not a semver version`);
  }
  for (const field of DEPENDENCY_FIELDS) {
    const deps = manifest[field];
    if (deps === undefined) continue;
    if (!isRecord(deps)) {
      problems.push(`${field} is not an object`);
      continue;
    }
    for (const [dep, range] of Object.entries(deps)) {
      if (typeof range !== "string" || LOCAL_RANGE.test(range)) {
        problems.push(
          `${field}.${dep} is ${JSON.stringify(range)}: pack with pnpm so workspace ranges become versions`,
        );
      }
    }
  }
  const peers = isRecord(manifest.peerDependencies) ? Object.keys(manifest.peerDependencies) : [];
  const peerMeta = isRecord(manifest.peerDependenciesMeta) ? manifest.peerDependenciesMeta : {};
  for (const peer of peers) {
    const meta = peerMeta[peer];
    if (!isRecord(meta) || meta.optional !== true) {
      problems.push(`peer ${peer} is not optional: npm would install it (set peerDependenciesMeta.${peer}.optional)`);
    }
  }
  if (typeof manifest.license !== "string" || manifest.license.length === 0) problems.push("no license field");
  if (!isRecord(manifest.engines) || typeof manifest.engines.node !== "string") problems.push("no engines.node");
  if (manifest.type !== "module") problems.push(`type is ${JSON.stringify(manifest.type)}, expected "module"`);
  if (name.startsWith("@") && (!isRecord(manifest.publishConfig) || manifest.publishConfig.access !== "public")) {
    problems.push(`publishConfig.access is not "public": a scoped package would publish as restricted`);
  }
  for (const required of ["README.md", "LICENSE"]) {
    if (!files.includes(required)) problems.push(`${required} is not in the tarball`);
  }

  if (manifest.exports === undefined) problems.push("no exports map");
  const targets: string[] = [];
  walkExports(manifest.exports, "", targets, problems);
  for (const field of ["main", "types", "module", "browser"]) {
    if (typeof manifest[field] === "string") targets.push(manifest[field] as string);
  }
  for (const target of new Set(targets)) {
    const file = target.replace(/^\.\//, "");
    if (!files.includes(file)) problems.push(`${target} is referenced by the manifest but not in the tarball`);
  }

  const extra = rules.extraFiles ?? [];
  const stray = files.filter((file) => !allowedFile(file, extra));
  if (stray.length > 0) problems.push(`files that should not ship: ${stray.join(", ")}`);
  return problems;
}
