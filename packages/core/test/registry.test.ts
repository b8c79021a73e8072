import { describe, expect, expectTypeOf, it } from "vitest";
import type { Backend, BackendRuntime, Capability, TrainingRuntime } from "../src/index.js";
import {
  BackendUnavailableError,
  backendHintsFromEnv,
  parseBackendHints,
  registerBackend,
  resolveBackend,
} from "../src/index.js";

function fakeBackend(
  name: string,
  devices: Array<{
    name: string;
    capabilities: Capability[];
    priority: Partial<Record<Capability, number>>;
    fails?: string;
    /** A broken backend: claims "train" but its runtime cannot make a trainable model. */
    noTrainableModel?: boolean;
  }>,
  inits: string[],
): Backend {
  return {
    name,
    devices,
    async init(device: string): Promise<BackendRuntime> {
      inits.push(`${name}:${device}`);
      const d = devices.find((x) => x.name === device);
      if (d?.fails) throw new Error(d.fails);
      const runtime: BackendRuntime = {
        backend: name,
        device,
        id: `${name}:${device}`,
        capabilities: d?.capabilities ?? [],
        description: "fake",
        createModel: () => Promise.reject(new Error("not used")),
      };
      if (!d?.capabilities.includes("train") || d.noTrainableModel) return runtime;
      return { ...runtime, createTrainableModel: () => Promise.reject(new Error("not used")) };
    },
  };
}

describe("backend registry", () => {
  const inits: string[] = [];
  registerBackend(
    fakeBackend(
      "gpu",
      [
        {
          name: "cuda",
          capabilities: ["train", "infer"],
          priority: { train: 100, infer: 90 },
          fails: "libcudart.so.11 not found",
        },
        { name: "wasm", capabilities: ["train", "infer"], priority: { train: 30, infer: 30 } },
      ],
      inits,
    ),
  );
  registerBackend(fakeBackend("rt", [{ name: "cpu", capabilities: ["infer"], priority: { infer: 80 } }], inits));

  it("tries hints in order and falls through failures", async () => {
    const runtime = await resolveBackend(["gpu:cuda", "gpu:wasm"], { capability: "train" });
    expect(runtime.id).toBe("gpu:wasm");
  });

  it("auto picks the highest-priority device that loads for the job", async () => {
    expect((await resolveBackend("auto", { capability: "infer" })).id).toBe("rt:cpu");
    expect((await resolveBackend("auto", { capability: "train" })).id).toBe("gpu:wasm");
  });

  it("types a training runtime so createTrainableModel needs no check, and skips a device that lies", async () => {
    const trainer = await resolveBackend("gpu", { capability: "train" });
    expectTypeOf(trainer).toEqualTypeOf<TrainingRuntime>();
    expectTypeOf(trainer.createTrainableModel).toBeFunction();
    expectTypeOf(await resolveBackend("rt")).toEqualTypeOf<BackendRuntime>();
    expect(typeof trainer.createTrainableModel).toBe("function");
    registerBackend(
      fakeBackend(
        "liar",
        [{ name: "cpu", capabilities: ["train"], priority: { train: 1 }, noTrainableModel: true }],
        [],
      ),
    );
    await expect(resolveBackend("liar", { capability: "train" })).rejects.toThrow(
      /liar:cpu: declares "train" but its runtime has no createTrainableModel/,
    );
  });

  it("initialises a device once", async () => {
    inits.length = 0;
    await resolveBackend("rt:cpu");
    await resolveBackend("rt");
    expect(inits.filter((i) => i === "rt:cpu").length).toBeLessThanOrEqual(1);
  });

  it("lists what is registered and why each candidate failed", async () => {
    const error = await resolveBackend(["gpu:cuda", "nope", "rt:cpu"], { capability: "train" }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/gpu:cuda: libcudart\.so\.11 not found/);
    expect(error.message).toMatch(/no backend named "nope"/);
    expect(error.message).toMatch(/"rt:cpu" offers no device that can train/);
    expect(error.message).toMatch(/registered: gpu \(cuda, wasm\); rt \(cpu\)/);
  });

  it("reads hints from configuration strings and RNNLM_BACKEND", () => {
    expect(parseBackendHints(" tfjs:wasm, onnx:cpu ,")).toEqual(["tfjs:wasm", "onnx:cpu"]);
    expect(backendHintsFromEnv("auto", { RNNLM_BACKEND: "onnx:cpu,reference" })).toEqual(["onnx:cpu", "reference"]);
    expect(backendHintsFromEnv("auto", {})).toEqual(["auto"]);
  });
});

describe("backend registry: threads", () => {
  const calls: Array<number | undefined> = [];
  registerBackend({
    name: "threaded",
    devices: [{ name: "cpu", capabilities: ["train", "infer"], priority: { train: -1, infer: -1 } }],
    async init(device, options) {
      calls.push(options?.threads);
      return {
        backend: "threaded",
        device,
        id: `threaded:${device}`,
        capabilities: ["train", "infer"],
        description: `${options?.threads ?? "default"} threads`,
        createModel: () => Promise.reject(new Error("not used")),
      };
    },
  });

  it("initialises a device once per thread count and passes the count on", async () => {
    const two = await resolveBackend("threaded", { threads: 2 });
    const again = await resolveBackend("threaded", { threads: 2 });
    const one = await resolveBackend("threaded", { threads: 1 });
    const fallback = await resolveBackend("threaded");
    expect(again).toBe(two);
    expect(one).not.toBe(two);
    expect([two.description, one.description, fallback.description]).toEqual([
      "2 threads",
      "1 threads",
      "default threads",
    ]);
    expect(calls).toEqual([2, 1, undefined]);
  });

  it("refuses a thread count that is not a positive integer, naming the range", async () => {
    for (const threads of [0, -1, 1.5, Number.NaN, 5000]) {
      await expect(resolveBackend("threaded", { threads })).rejects.toThrow(
        /threads must be an integer from 1 to 1024/,
      );
    }
  });
});
