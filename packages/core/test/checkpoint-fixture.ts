import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTrainingOptions } from "../src/optimizer.js";
import { SeededRandom } from "../src/random.js";
import { type ModelSpecInput, parseModelSpec } from "../src/spec.js";
import type { CheckpointData, TrainerState } from "../src/trainer-state.js";
import { initWeights, parameterNames, type Weights } from "../src/weights.js";

/** Test data for checkpoint tests: real weights drawn by core's initWeights, a full trainer state. */
export function sampleCheckpoint(
  specInput: ModelSpecInput,
  options: { seed?: number; trainer?: boolean } = {},
): CheckpointData {
  const spec = parseModelSpec(specInput);
  const rng = new SeededRandom(options.seed ?? 1);
  const weights = initWeights(spec, rng);
  const data: CheckpointData = {
    spec,
    weights,
    codec: { kind: "char", tokens: ["<unk>", " ", "a", "b"].slice(0, Math.min(4, spec.vocabSize)) },
    config: { backend: "reference", bptt: 35, batchSize: 32, data: { path: "datasets/timemachine.txt" } },
  };
  if (options.trainer === false) return data;
  return { ...data, trainer: sampleTrainer(parameterNames(spec), weights, rng) };
}

function sampleTrainer(names: string[], weights: Weights, rng: SeededRandom): TrainerState {
  rng.normal(); // leaves a spare normal in the state, so spareNormal is a float64 to keep exactly
  const optimizerState: Weights = {};
  for (const [i, name] of names.entries()) {
    const { shape, data } = weights[name];
    // Momentum buffers in float32 and Adam-like second moments in float64, to check both dtypes.
    optimizerState[`momentum.${name}`] = { shape, data: Float32Array.from(data, (v) => v * 0.5) };
    if (i % 2 === 0) optimizerState[`v.${name}`] = { shape, data: Float64Array.from(data, (v) => v * v + 1 / 3) };
  }
  return {
    epoch: 2,
    learningRate: 20 / 4,
    bestValidPerplexity: 123.456789012345,
    history: [
      {
        epoch: 1,
        trainLoss: Math.PI,
        trainPerplexity: Math.exp(Math.PI),
        validPerplexity: 140.1,
        learningRate: 20,
        tokensPerSecond: 1234.5,
        seconds: 0.1,
      },
      {
        epoch: 2,
        trainLoss: 800,
        trainPerplexity: Number.POSITIVE_INFINITY,
        validPerplexity: null,
        learningRate: 5,
        tokensPerSecond: 1e-7,
        seconds: 0.3,
      },
    ],
    training: parseTrainingOptions({ optimizer: { type: "sgd", lr: 20, momentum: 0.9 }, clip: 0.25, seed: 42 }),
    randomState: rng.getState(),
    optimizerState,
  };
}

/** A fresh temporary folder, removed by the returned function. */
export async function tempFolder(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "rnnlm-ckpt-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * Replaces one file of a saved checkpoint and updates its size and sha256 in config.json, as
 * someone forging a checkpoint would: the reader must then catch the problem by parsing.
 */
export async function replaceWithValidDigest(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  await writeFile(join(dir, name), bytes);
  const manifest = JSON.parse(await readFile(join(dir, "config.json"), "utf8"));
  manifest.files[name] = { bytes: bytes.length, sha256: createHash("sha256").update(bytes).digest("hex") };
  await writeFile(join(dir, "config.json"), sealedManifest(manifest));
}

/**
 * config.json text for an edited manifest with its "integrity" checksum recomputed, as a
 * forger who knows the format would write it: the reader must then catch the problem by
 * parsing. (The checksum covers the JSON without the "integrity" key.)
 */
export function sealedManifest(manifest: Record<string, unknown>): string {
  const { integrity: _, ...body } = manifest;
  const sha256 = createHash("sha256")
    .update(JSON.stringify(body, null, 2), "utf8")
    .digest("hex");
  return `${JSON.stringify({ ...body, integrity: { sha256 } }, null, 2)}\n`;
}

/** The named files of a folder, name → bytes, for comparing folders. */
export async function readFolder(dir: string, names: string[]): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const name of names) out[name] = new Uint8Array(await readFile(join(dir, name)));
  return out;
}

/** True when two float arrays hold the same bits (NaN payloads and -0 included). */
export function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  if (a.constructor !== b.constructor || a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.every((v, i) => v === y[i]);
}
