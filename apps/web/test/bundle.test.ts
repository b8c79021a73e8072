// What the built app ships (dist/): one ONNX protobuf codec per bundle entry and no protobuf
// library (backend-onnx's own small codec, not protobufjs), and only the ONNX Runtime Web files
// the app loads. Prints the size of dist/ and of its parts.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ORT_WASM_DIR, ORT_WASM_FILES } from "../build-tools/ort-wasm-files.js";
import { APP_DIR, DIST_DIR, ensureAppBuilt } from "./app-build.js";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** Strings protobufjs's runtime throws with (its Reader): a bundled copy keeps them, minified or not. */
const PROTOBUFJS_MARKERS = ["illegal buffer", "invalid wire type"];
/** The message backend-onnx's codec (src/format/protobuf-wire.ts) throws on an unknown wire type. */
const OWN_CODEC_MARKER = "unknown wire type";

const count = (text: string, marker: string) => text.split(marker).length - 1;

describe("the built web app", () => {
  let files: string[] = [];
  beforeAll(() => {
    ensureAppBuilt();
    files = filesUnder(DIST_DIR);
  });

  it("bundles no protobuf library, and backend-onnx's codec once per entry (page, training worker)", () => {
    // The markers are protobufjs's own: onnxruntime-web depends on protobufjs, so it is installed.
    const fromOrt = createRequire(createRequire(join(APP_DIR, "package.json")).resolve("onnxruntime-web"));
    const protobufjs = readFileSync(
      join(dirname(fromOrt.resolve("protobufjs/package.json")), "dist/minimal/protobuf.min.js"),
      "utf8",
    );
    for (const marker of PROTOBUFJS_MARKERS) expect(protobufjs).toContain(marker);

    const scripts = files.filter((f) => /\.(m?js)$/.test(f) && !relative(DIST_DIR, f).startsWith(ORT_WASM_DIR));
    const withProtobufjs = scripts.filter((f) => PROTOBUFJS_MARKERS.some((m) => readFileSync(f, "utf8").includes(m)));
    expect(withProtobufjs.map((f) => relative(DIST_DIR, f))).toEqual([]);
    const codecCopies = scripts.map((f) => count(readFileSync(f, "utf8"), OWN_CODEC_MARKER)).filter((n) => n > 0);
    // The page decodes the models it fetches; the training worker encodes its training graphs.
    expect(codecCopies).toEqual([1, 1]);
  });

  it("ships only the ONNX Runtime Web files the app loads", () => {
    const ort = files
      .filter((f) => relative(DIST_DIR, f).startsWith(ORT_WASM_DIR))
      .map((f) => relative(join(DIST_DIR, ORT_WASM_DIR), f));
    expect(ort.sort()).toEqual([...ORT_WASM_FILES].sort());
    const wasm = files.filter((f) => f.endsWith(".wasm")).map((f) => relative(DIST_DIR, f));
    expect(wasm).toEqual([`${ORT_WASM_DIR}ort-wasm-simd-threaded.jsep.wasm`]);
    const sizes = new Map<string, number>();
    for (const f of files) {
      const part = relative(DIST_DIR, f).split("/")[0];
      sizes.set(part, (sizes.get(part) ?? 0) + statSync(f).size);
    }
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    const mb = (n: number) => `${(n / 1e6).toFixed(2)} MB`;
    console.log(`dist: ${mb(total)} (${[...sizes].map(([part, n]) => `${part} ${mb(n)}`).join(", ")})`);
  });
});
