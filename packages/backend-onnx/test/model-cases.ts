import { CELLS, type ModelSpec, parseModelSpec, SeededRandom, type Weights } from "@rnnlm/core";
import { initWeights } from "@rnnlm/core/backend";

export interface ModelCase {
  readonly name: string;
  readonly spec: ModelSpec;
}

/** Every cell × 1–2 layers × one-hot/embedding × tied/untied, at small sizes. */
export function modelCases(): ModelCase[] {
  const cases: ModelCase[] = [];
  for (const cell of CELLS) {
    for (const numLayers of [1, 2]) {
      for (const input of ["onehot", "embedding", "tied"] as const) {
        const spec = parseModelSpec({
          cell,
          vocabSize: 7,
          hiddenSize: 5,
          numLayers,
          embeddingSize: input === "onehot" ? null : input === "tied" ? 5 : 4,
          tied: input === "tied",
        });
        cases.push({ name: `${cell} ${numLayers}L ${input}`, spec });
      }
    }
  }
  return cases;
}

/** Seeded weights scaled up so that gates saturate differently and every term matters. */
export function caseWeights(spec: ModelSpec, seed: number): Weights {
  const weights = initWeights(spec, new SeededRandom(seed));
  const rng = new SeededRandom(seed + 1000);
  for (const [name, w] of Object.entries(weights)) {
    if (spec.tied && name === "decoder.weight") continue;
    for (let i = 0; i < w.data.length; i++) w.data[i] = Math.fround((rng.uniform() * 2 - 1) * 0.9);
  }
  if (spec.tied)
    weights["decoder.weight"] = { ...weights["encoder.weight"], data: weights["encoder.weight"].data.slice() };
  return weights;
}

/** Seeded ids and float32 values. */
export function randomIds(n: number, vocab: number, seed: number): Int32Array {
  const rng = new SeededRandom(seed);
  return Int32Array.from({ length: n }, () => rng.int(0, vocab - 1));
}

export function randomState(n: number, seed: number): Float32Array {
  const rng = new SeededRandom(seed);
  return Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1);
}

/** max over i of |a − b| / (atol + rtol·|b|): ≤ 1 passes. */
export function toleranceRatio(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number) {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} ≠ ${expected.length}`);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const r = Math.abs(actual[i] - expected[i]) / (atol + rtol * Math.abs(expected[i]));
    if (Number.isNaN(r)) return Number.POSITIVE_INFINITY;
    if (r > worst) worst = r;
  }
  return worst;
}
