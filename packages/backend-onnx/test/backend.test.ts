import { readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BackendUnavailableError,
  disposeState,
  parseModelSpec,
  registerBackend,
  resolveBackend,
  ShapeError,
} from "@rnnlm/core";
import { describe, expect, it } from "vitest";
import * as browserEntry from "../src/browser.js";
import { exportModel, type OnnxRuntime, onnxBackend, readOnnxModel } from "../src/index.js";
import { isMissingPackage, ORT_VERSION } from "../src/runtime/missing-package.js";
import { caseWeights } from "./model-cases.js";

const src = join(dirname(fileURLToPath(import.meta.url)), "..", "src");

/** Every module specifier reachable from `entry` through relative imports (static and dynamic). */
function importGraph(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(join(src, file), "utf8");
    const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*)"([^"]+)"/g)].map((m) => m[1]);
    seen.set(file, specs);
    for (const s of specs) {
      if (s.startsWith("./") || s.startsWith("../")) visit(posix.join(posix.dirname(file), s).replace(/\.js$/, ".ts"));
    }
  };
  visit(entry);
  return seen;
}

describe("onnxBackend", () => {
  it("offers cpu, cuda, wasm and webgpu for inference, cpu and wasm for training", () => {
    expect(onnxBackend.name).toBe("onnx");
    expect(Object.fromEntries(onnxBackend.devices.map((d) => [d.name, d.priority.infer]))).toEqual({
      cuda: 95,
      cpu: 80,
      webgpu: 70,
      wasm: 40,
    });
    expect(Object.fromEntries(onnxBackend.devices.map((d) => [d.name, d.capabilities]))).toEqual({
      cuda: ["infer"],
      cpu: ["train", "infer"],
      webgpu: ["infer"],
      wasm: ["train", "infer"],
    });
    expect(onnxBackend.devices.find((d) => d.name === "cpu")?.priority.train).toBe(80);
  });

  it("resolves through core's registry", async () => {
    registerBackend(onnxBackend);
    const runtime = await resolveBackend("onnx:cpu");
    expect(runtime.id).toBe("onnx:cpu");
    expect(runtime.description).toMatch(/onnxruntime-node 1\.\d+/);
    const wasm = await resolveBackend("onnx:wasm");
    expect(wasm.description).toMatch(/onnxruntime-web 1\.\d+\.\d+, WASM/);
  });

  it("fails clearly when CUDA's provider is not installed, and webgpu in Node", async () => {
    const cuda = onnxBackend.init("cuda");
    await expect(cuda).rejects.toThrow(BackendUnavailableError);
    await expect(onnxBackend.init("cuda")).rejects.toThrow(/onnx:cuda.*onnxruntime-node-install=cuda12.*onnx:cpu/s);
    await expect(onnxBackend.init("webgpu")).rejects.toThrow(/browsers only/);
    await expect(onnxBackend.init("tpu")).rejects.toThrow(/no device "tpu"/);
  });

  it("keeps Node-only code out of the browser entry", () => {
    const graph = importGraph("browser.ts");
    const external = [...graph.values()].flat().filter((s) => !s.startsWith("./") && !s.startsWith("../"));
    expect(
      external.filter((s) => s.startsWith("node:") || s === "onnxruntime-node" || s === "@rnnlm/core/node"),
    ).toEqual([]);
    expect(graph.has("index.ts")).toBe(false);
    // and the Node entry does reach them
    const nodeExternal = [...importGraph("index.ts").values()].flat();
    expect(nodeExternal).toContain("onnxruntime-node");
    expect(Object.keys(browserEntry)).toContain("onnxBackend");
    expect(Object.keys(browserEntry)).not.toContain("writeOnnxFile");
  });

  it("browser entry refuses Node-only devices with advice", async () => {
    await expect(browserEntry.onnxBackend.init("cpu")).rejects.toThrow(/Node\.js only.*onnx:wasm/);
  });
});

describe("OnnxModel", () => {
  const spec = parseModelSpec({ cell: "lstm", vocabSize: 5, hiddenSize: 3, embeddingSize: 2 });

  it("checks ids, state shapes and batch", async () => {
    const runtime = (await onnxBackend.init("cpu", { threads: 1 })) as OnnxRuntime;
    const model = await runtime.createModel(spec, { seed: 1 });
    const state = model.beginState(2);
    await expect(model.forward({ ids: Int32Array.of(0, 5), steps: 1, batch: 2 }, state)).rejects.toThrow(
      /token id 5 .*\[0, 5\)/,
    );
    await expect(model.forward({ ids: Int32Array.of(0), steps: 1, batch: 2 }, state)).rejects.toThrow(ShapeError);
    await expect(model.forward({ ids: Int32Array.of(0), steps: 1, batch: 1 }, state)).rejects.toThrow(
      /state.h has shape \[1, 2, 3\], expected \[1, 1, 3\]/,
    );
    await expect(model.forward({ ids: Int32Array.of(0, 1), steps: 1, batch: 2 }, { h: state.h })).rejects.toThrow(
      /needs state.c/,
    );
    expect(() => model.beginState(0)).toThrow(ShapeError);
    expect(() => model.beginState(1, { h: new Float32Array(2) })).toThrow(/needs layers·batch·hidden = 3/);
    const empty = await model.forward({ ids: new Int32Array(0), steps: 0, batch: 2 }, state);
    expect(empty.logits.shape).toEqual([0, 5]);
    disposeState(empty.state);
    model.dispose();
    await expect(model.forward({ ids: Int32Array.of(0, 1), steps: 1, batch: 2 }, state)).rejects.toThrow(/disposed/);
  });

  it("same seed gives the same weights; setWeights changes the function; getWeights returns them", async () => {
    const runtime = (await onnxBackend.init("cpu", { threads: 1 })) as OnnxRuntime;
    const a = await runtime.createModel(spec, { seed: 3 });
    const b = await runtime.createModel(spec, { seed: 3 });
    expect(await a.getWeights()).toEqual(await b.getWeights());
    const input = { ids: Int32Array.of(1, 2, 3), steps: 3, batch: 1 };
    const before = (await a.forward(input, a.beginState(1))).logits.dataSync();
    const w = caseWeights(spec, 9);
    await a.setWeights(w);
    expect(await a.getWeights()).toEqual(w);
    const after = (await a.forward(input, a.beginState(1))).logits.dataSync();
    expect(Array.from(after)).not.toEqual(Array.from(before));
    await expect(a.setWeights({})).rejects.toThrow(ShapeError);
    // concurrent forwards are serialised and each gets its own answer
    const [x, y] = await Promise.all([a.forward(input, a.beginState(1)), b.forward(input, b.beginState(1))]);
    expect(Array.from(x.logits.dataSync())).toEqual(Array.from(after));
    expect(Array.from(y.logits.dataSync())).toEqual(Array.from(before));
    a.dispose();
    b.dispose();
  });

  it("exports a live model", async () => {
    const runtime = (await onnxBackend.init("wasm")) as OnnxRuntime;
    const model = await runtime.createModel(spec, { weights: caseWeights(spec, 2) });
    const back = readOnnxModel(await exportModel(model, { metadata: { from: "live" } }));
    expect(back.weights).toEqual(caseWeights(spec, 2));
    expect(back.metadata).toEqual({ from: "live" });
    model.dispose();
  });
});

describe("the ONNX Runtime peers", () => {
  it("are named in the missing-package errors at the version package.json declares", async () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      peerDependencies: Record<string, string>;
    };
    expect(manifest.peerDependencies).toEqual({ "onnxruntime-node": ORT_VERSION, "onnxruntime-web": ORT_VERSION });
    let missing: unknown;
    try {
      await import(/* @vite-ignore */ `${"rnnlm-no-such"}-package`);
    } catch (error) {
      missing = error;
    }
    expect(isMissingPackage(missing, "rnnlm-no-such-package")).toBe(true);
    expect(isMissingPackage(missing, "onnxruntime-node")).toBe(false);
    expect(isMissingPackage(new Error("libonnxruntime.so: cannot open shared object"), "onnxruntime-node")).toBe(false);
  });
});
