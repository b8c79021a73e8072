import { type Model, type SamplingOptions, SpecError, TextGenerator } from "@rnnlm/core";
import type { TextCodec } from "@rnnlm/data";

/** How {@link Generator.generate} and {@link Generator.stream} continue a prefix. */
export interface GenerateOptions {
  /** Tokens to add after the prefix (characters or words, as the model was trained; default 100). */
  readonly maxTokens?: number;
  /** Divides the logits before sampling (default 1). */
  readonly temperature?: number;
  /** Sample only among the k most likely tokens (0: all). */
  readonly topK?: number;
  /** Sample only from the smallest set of tokens whose probability reaches p. */
  readonly topP?: number;
  /** Makes sampling reproducible. */
  readonly seed?: number;
  /**
   * Always take the most likely token. Default: true when none of temperature, topK, topP and
   * seed is given (as transformers.js decodes greedily unless asked to sample), else false.
   */
  readonly greedy?: boolean;
  /** Aborting stops generation: `stream` and `generate` reject with the signal's reason. */
  readonly signal?: AbortSignal;
}

export const DEFAULT_MAX_TOKENS = 100;

/** The sampling options core's generator takes, from the user's. */
export function samplingOf(options: GenerateOptions): SamplingOptions {
  const { temperature, topK, topP, seed } = options;
  const greedy =
    options.greedy ?? (temperature === undefined && topK === undefined && topP === undefined && seed === undefined);
  return { greedy, temperature, topK, topP, seed };
}

/** A model and its vocabulary, ready to continue text on one backend. */
export class Generator {
  private readonly inner: TextGenerator;
  private busy = false;

  constructor(
    readonly model: Model,
    readonly codec: TextCodec,
    /** The backend that runs it (`onnx:cpu`, `tfjs:wasm`, …). */
    readonly backend: string,
    /** False when the model belongs to someone else (a trained model generating): dispose keeps it. */
    private readonly ownsModel = true,
  ) {
    this.inner = new TextGenerator(model, codec);
  }

  /** Yields the generated tokens one by one (not the prefix). */
  async *stream(prefix: string, options: GenerateOptions = {}): AsyncGenerator<string> {
    const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
    if (!Number.isInteger(maxTokens) || maxTokens < 0) {
      throw new SpecError(`maxTokens must be a non-negative integer, got ${maxTokens}`);
    }
    // One recurrent state per generator: two interleaved streams would mix their states.
    if (this.busy) throw new SpecError("this generator is already streaming: finish or abort that stream first");
    options.signal?.throwIfAborted();
    this.busy = true;
    try {
      for await (const token of this.inner.stream(prefix, maxTokens, samplingOf(options))) {
        options.signal?.throwIfAborted();
        yield token;
      }
    } finally {
      this.busy = false;
    }
  }

  /** The prefix followed by the generated text. */
  async generate(prefix: string, options: GenerateOptions = {}): Promise<string> {
    const pieces = this.codec.tokenize(prefix);
    for await (const token of this.stream(prefix, options)) pieces.push(token);
    return pieces.join(this.codec.separator);
  }

  /** Frees the recurrent state and the model's tensors. */
  dispose(): void {
    this.inner.dispose();
    if (this.ownsModel) this.model.dispose();
  }
}
