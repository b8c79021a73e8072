// Part of `pnpm version` (after `changeset version` bumps the package.json files): copies each
// package's new version into the constants its source carries (ONNX exports record
// producer_version; @rnnlm/data exports VERSION), so a release never ships a stale number.
// `--check` only reports a mismatch (exit code 1).
import { readFileSync, writeFileSync } from "node:fs";

const root = new URL("..", import.meta.url);
const CONSTANTS = [
  { pkg: "packages/backend-onnx", file: "src/package-version.ts", name: "PACKAGE_VERSION" },
  { pkg: "packages/data", file: "src/index.ts", name: "VERSION" },
  { pkg: "packages/data", file: "src/browser.ts", name: "VERSION" },
];

const check = process.argv.includes("--check");
let stale = 0;
for (const { pkg, file, name } of CONSTANTS) {
  const { version } = JSON.parse(readFileSync(new URL(`${pkg}/package.json`, root), "utf8"));
  const path = new URL(`${pkg}/${file}`, root);
  const source = readFileSync(path, "utf8");
  const pattern = new RegExp(`(export const ${name}(?:: string)? = )"([^"]*)"`);
  const match = source.match(pattern);
  if (match === null) {
    console.error(
      `${pkg}/${file}: no \`export const ${name} = "..."\` to update; fix CONSTANTS in scripts/sync-source-versions.mjs`,
    );
    process.exit(1);
  }
  if (match[2] === version) continue;
  stale++;
  if (check) {
    console.error(`${pkg}/${file}: ${name} is "${match[2]}" but package.json says "${version}"; run pnpm version`);
  } else {
    writeFileSync(path, source.replace(pattern, `$1"${version}"`));
    console.log(`${pkg}/${file}: ${name} ${match[2]} -> ${version}`);
  }
}
if (check && stale > 0) process.exit(1);
