import { type LintResult, runAttw, runPublint } from "./package-linters.js";
import { packedManifestProblems } from "./packed-manifest-problems.js";
import { readTarball, type TarballContents } from "./tarball-contents.js";

/**
 * Files a package ships besides dist/, README.md and LICENSE, and why:
 * data's Time Machine text is what `loadTimeMachine()` reads; backend-tfjs's GPU smoke test
 * is run from `node_modules` as its README says; the CLI's `--config PRESET` reads presets/, and editors read its config.schema.json.
 */
export const EXTRA_FILES: Readonly<Record<string, readonly string[]>> = {
  "@rnnlm/data": ["corpora/"],
  "@rnnlm/backend-tfjs": ["bench/smoke.mjs"],
  "@rnnlm/cli": ["presets/", "config.schema.json"],
};

export interface PackageReport {
  readonly name: string;
  readonly tarball: string;
  readonly contents: TarballContents;
  readonly problems: readonly string[];
  readonly lints: readonly LintResult[];
}

/** Checks one packed package: its manifest and file list, then publint and attw. */
export async function checkPackedPackage(root: string, name: string, tarball: string): Promise<PackageReport> {
  const contents = await readTarball(tarball);
  const problems = packedManifestProblems(name, contents, { extraFiles: EXTRA_FILES[name] ?? [] });
  const lints = [await runPublint(root, tarball), await runAttw(root, tarball)];
  return { name, tarball, contents, problems, lints };
}

/** One line per package, then the details of every problem. */
export function formatReports(reports: readonly PackageReport[]): string {
  const lines: string[] = [];
  for (const report of reports) {
    const lintState = report.lints.map((l) => `${l.tool} ${l.ok ? "ok" : "FAILED"}`).join(", ");
    const manifest = report.problems.length === 0 ? "manifest ok" : `${report.problems.length} manifest problem(s)`;
    lines.push(`${report.name}: ${report.contents.files.length} files, ${manifest}, ${lintState}`);
  }
  for (const report of reports) {
    for (const problem of report.problems) lines.push(`  ${report.name}: ${problem}`);
    for (const lint of report.lints) {
      if (!lint.ok) lines.push(`  ${report.name}: ${lint.tool} says:\n${lint.output.replace(/^/gm, "    ")}`);
    }
  }
  return lines.join("\n");
}

export function reportsAreClean(reports: readonly PackageReport[]): boolean {
  return reports.every((r) => r.problems.length === 0 && r.lints.every((l) => l.ok));
}
