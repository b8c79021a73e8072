import type { TokenCodec } from "./codec.js";
import { SpecError } from "./errors.js";
import { disposeState, type Model, type RecurrentState } from "./model.js";
import { SeededRandom } from "./random.js";

/** How the next token is chosen (SPEC §3). */
export interface SamplingOptions {
  /** Argmax; ignores the other options. */
  readonly greedy?: boolean;
  /** Divides the logits before the softmax (default 1). 1/α samples from p^α. */
  readonly temperature?: number;
  /** Keep only the k most likely tokens (0 or absent: all). */
  readonly topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (1 or absent: all). */
  readonly topP?: number;
  /** Makes sampling reproducible. */
  readonly seed?: number;
}

export function validateSampling(options: SamplingOptions): void {
  const { temperature, topK, topP } = options;
  if (temperature !== undefined && !(temperature > 0 && Number.isFinite(temperature))) {
    throw new SpecError(`temperature must be a positive number, got ${temperature}`);
  }
  if (topK !== undefined && !(Number.isInteger(topK) && topK >= 0)) {
    throw new SpecError(`topK must be a non-negative integer, got ${topK}`);
  }
  if (topP !== undefined && !(topP > 0 && topP <= 1)) throw new SpecError(`topP must be in (0, 1], got ${topP}`);
}

/** Numerically stable softmax of `logits / temperature`, in float64. */
export function softmax(logits: ArrayLike<number>, temperature = 1): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i] / temperature);
  const p = new Float64Array(logits.length);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    p[i] = Math.exp(logits[i] / temperature - max);
    sum += p[i];
  }
  for (let i = 0; i < p.length; i++) p[i] /= sum;
  return p;
}

/** Index of the largest value (the first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/**
 * `values` (non-negative, as probabilities are) in ascending order: an LSD radix sort on the
 * IEEE-754 bits, which order non-negative doubles as unsigned integers do. At 10k values it
 * takes a fraction of `Float64Array.prototype.sort`'s time, which dominated sampling.
 */
function sortNonNegative(values: Float64Array): Float64Array {
  const n = values.length;
  let keys = Float64Array.from(values);
  let spare = new Float64Array(n);
  let words = new Uint32Array(keys.buffer);
  let spareWords = new Uint32Array(spare.buffer);
  // Which 32-bit word holds the low half of a double: the first on little-endian machines.
  const low = new Uint8Array(Float64Array.of(1).buffer)[0] === 0 ? 0 : 1;
  const counts = new Uint32Array(256);
  for (let pass = 0; pass < 8; pass++) {
    const word = pass < 4 ? low : 1 - low;
    const shift = (pass % 4) * 8;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(words[2 * i + word] >>> shift) & 0xff]++;
    let total = 0;
    for (let d = 0; d < 256; d++) {
      const c = counts[d];
      counts[d] = total;
      total += c;
    }
    for (let i = 0; i < n; i++) {
      const to = counts[(words[2 * i + word] >>> shift) & 0xff]++;
      spareWords[2 * to] = words[2 * i];
      spareWords[2 * to + 1] = words[2 * i + 1];
    }
    [keys, spare] = [spare, keys];
    [words, spareWords] = [spareWords, words];
  }
  return keys;
}

/**
 * The distribution sampling draws from: softmax at `temperature`, cut to top-k, then to
 * the top-p nucleus, renormalised.
 */
export function samplingDistribution(logits: ArrayLike<number>, options: SamplingOptions): Float64Array {
  validateSampling(options);
  const p = softmax(logits, options.temperature ?? 1);
  const cut = (options.topK !== undefined && options.topK > 0) || (options.topP !== undefined && options.topP < 1);
  if (!cut) {
    // Nothing cut: the same renormalisation as below (the sum taken from the largest
    // probability down, so every draw stays bit for bit what it was) without sorting indices,
    // which at 10k words cost more than the model's step.
    const values = sortNonNegative(p);
    let sum = 0;
    for (let i = values.length - 1; i >= 0; i--) sum += values[i];
    for (let i = 0; i < p.length; i++) p[i] /= sum;
    return p;
  }
  const order = Array.from(p.keys()).sort((a, b) => p[b] - p[a] || a - b);
  let keep = order.length;
  if (options.topK !== undefined && options.topK > 0) keep = Math.min(keep, options.topK);
  if (options.topP !== undefined && options.topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < keep; i++) {
      cumulative += p[order[i]];
      if (cumulative >= options.topP) {
        keep = i + 1;
        break;
      }
    }
  }
  const out = new Float64Array(p.length);
  let sum = 0;
  for (let i = 0; i < keep; i++) sum += p[order[i]];
  for (let i = 0; i < keep; i++) out[order[i]] = p[order[i]] / sum;
  return out;
}

/** Draws an index from a probability vector. */
export function drawFrom(probabilities: ArrayLike<number>, rng: SeededRandom): number {
  const u = rng.uniform();
  let cumulative = 0;
  let last = 0;
  for (let i = 0; i < probabilities.length; i++) {
    if (probabilities[i] <= 0) continue;
    last = i;
    cumulative += probabilities[i];
    if (u < cumulative) return i;
  }
  return last;
}

export interface TextGeneratorOptions {
  /** Told about prefix tokens outside the vocabulary (default: console.warn). */
  readonly onWarning?: (message: string) => void;
}

/**
 * Stateful generation over any backend's {@link Model} (batch 1): `feed` text, read
 * `nextDistribution`, `sample`, `reset`; `stream` and `generate` do the d2l `predict` loop
 * (SPEC §1: warm up on the prefix from the zero state, then feed back each chosen token).
 */
/** Longest run of steps {@link TextGenerator.feed} gives the model in one forward pass. */
export const FEED_CHUNK_STEPS = 256;

/** Most tokens one {@link Model.greedySteps} call chooses: streamed text arrives in bursts at most this long. */
export const GREEDY_CHUNK_STEPS = 64;

export class TextGenerator {
  private state: RecurrentState;
  private lastLogits: Float32Array | null = null;
  private readonly warn: (message: string) => void;

  constructor(
    readonly model: Model,
    readonly codec: TokenCodec,
    options: TextGeneratorOptions = {},
  ) {
    if (codec.size !== model.spec.vocabSize) {
      throw new SpecError(
        `the vocabulary has ${codec.size} tokens but the model expects ${model.spec.vocabSize}: use the vocabulary saved with the model`,
      );
    }
    this.warn = options.onWarning ?? ((message) => console.warn(message));
    this.state = model.beginState(1);
  }

  /** Back to the zero state with nothing fed. */
  reset(): void {
    disposeState(this.state);
    this.state = this.model.beginState(1);
    this.lastLogits = null;
  }

  /** Encodes text, warning once about tokens outside the vocabulary (they become `<unk>`). */
  encode(text: string): Int32Array {
    const tokens = this.codec.tokenize(text);
    const ids = new Int32Array(tokens.length);
    const unknown = new Set<string>();
    tokens.forEach((token, i) => {
      ids[i] = this.codec.idOf(token);
      if (ids[i] === this.codec.unkId && token !== this.codec.tokenOf(this.codec.unkId)) unknown.add(token);
    });
    if (unknown.size > 0) {
      this.warn(
        `not in the vocabulary, read as ${this.codec.tokenOf(this.codec.unkId)}: ${[...unknown].map((t) => JSON.stringify(t)).join(", ")}`,
      );
    }
    return ids;
  }

  /** Runs the model over `input` (text or ids), keeping the state and the last logits. */
  async feed(input: string | ArrayLike<number>): Promise<void> {
    const all = typeof input === "string" ? this.encode(input) : Int32Array.from(input);
    // In chunks: one forward over a very long prefix overflows ORT's native stack (30,000
    // steps) and holds steps × vocabulary logits at once; the state carries over exactly.
    for (let start = 0; start < all.length; start += FEED_CHUNK_STEPS) {
      const ids = all.slice(start, Math.min(all.length, start + FEED_CHUNK_STEPS));
      const { logits, state } = await this.model.forward({ ids, steps: ids.length, batch: 1 }, this.state);
      disposeState(this.state);
      this.state = state;
      if (start + FEED_CHUNK_STEPS >= all.length) {
        const values = await logits.data();
        const V = this.model.spec.vocabSize;
        this.lastLogits = values.slice(values.length - V);
      }
      logits.dispose();
    }
  }

  /** Logits for the next token; throws before anything was fed. */
  nextLogits(): Float32Array {
    if (this.lastLogits === null) throw new SpecError("nothing was fed yet: feed a prefix of at least one token first");
    return this.lastLogits;
  }

  /** Probabilities of the next token (softmax of the logits, temperature 1). */
  nextDistribution(): Float64Array {
    return softmax(this.nextLogits());
  }

  /** Chooses the next token id under `options` with `rng`. */
  choose(options: SamplingOptions, rng: SeededRandom): number {
    const logits = this.nextLogits();
    if (options.greedy) return argmax(logits);
    return drawFrom(samplingDistribution(logits, options), rng);
  }

  /**
   * Feeds `prefix` from the zero state, then yields `length` tokens (decoded), each chosen
   * from the last output and fed back in.
   */
  async *stream(prefix: string, length: number, options: SamplingOptions = { greedy: true }): AsyncGenerator<string> {
    if (!Number.isInteger(length) || length < 0)
      throw new SpecError(`length must be a non-negative integer, got ${length}`);
    validateSampling(options);
    this.reset();
    const ids = this.encode(prefix);
    if (ids.length === 0) throw new SpecError("the prefix is empty after tokenisation: give at least one token");
    await this.feed(ids);
    if (options.greedy && this.model.greedySteps !== undefined && length > 0) {
      yield* this.streamGreedySteps(length);
      return;
    }
    const rng = new SeededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 31));
    for (let i = 0; i < length; i++) {
      const id = this.choose(options, rng);
      yield this.codec.tokenOf(id);
      if (i + 1 < length) await this.feed([id]);
    }
  }

  /**
   * Greedy `stream` through the model's multi-step path: the same tokens, state and last logits
   * as choosing and feeding one token at a time (the last token is chosen, not fed).
   */
  private async *streamGreedySteps(length: number): AsyncGenerator<string> {
    const greedySteps = this.model.greedySteps?.bind(this.model);
    if (greedySteps === undefined) throw new Error("internal: the model has no greedySteps");
    let last = argmax(this.nextLogits());
    yield this.codec.tokenOf(last);
    for (let done = 1; done < length; ) {
      const count = Math.min(GREEDY_CHUNK_STEPS, length - done);
      const run = await greedySteps(last, count, this.state);
      disposeState(this.state);
      this.state = run.state;
      this.lastLogits = run.logits;
      for (const id of run.ids) yield this.codec.tokenOf(id);
      last = run.ids[count - 1];
      done += count;
    }
  }

  /** `prefix` followed by `length` generated tokens, joined as the codec joins tokens. */
  async generate(prefix: string, length: number, options: SamplingOptions = { greedy: true }): Promise<string> {
    const pieces = this.codec.tokenize(prefix);
    for await (const token of this.stream(prefix, length, options)) pieces.push(token);
    return pieces.join(this.codec.separator);
  }

  dispose(): void {
    disposeState(this.state);
  }
}
