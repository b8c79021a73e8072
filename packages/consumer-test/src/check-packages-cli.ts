// `pnpm check:packages`: packs every published package and checks what npm would publish
// (manifest, files, publint, attw). Exit code 1 when anything is wrong.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkPackedPackage, formatReports, type PackageReport, reportsAreClean } from "./check-packages.js";
import { packPackages } from "./pack-packages.js";
import { findWorkspaceRoot, publishedPackages } from "./workspace-packages.js";

const root = findWorkspaceRoot();
const names = publishedPackages(root).map((p) => p.name);
const dir = await mkdtemp(join(tmpdir(), "rnnlm-pack-"));
try {
  const tarballs = await packPackages(root, names, dir);
  const reports: PackageReport[] = [];
  for (const [name, tarball] of tarballs) reports.push(await checkPackedPackage(root, name, tarball));
  console.log(formatReports(reports));
  if (!reportsAreClean(reports)) process.exitCode = 1;
  else console.log(`all ${reports.length} published packages are clean`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
