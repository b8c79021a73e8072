import { readFile } from "node:fs/promises";
import { exportOnnxFile } from "@rnnlm/backend-onnx";
import {
  backendHintsFromEnv,
  type Cell,
  type EpochRecord,
  type ModelSpec,
  parseModelSpec,
  parseTrainingOptions,
  RnnlmError,
  resolveBackend,
  type TrainableModel,
  type TrainerState,
  trainLoop,
} from "@rnnlm/core";
import { saveCheckpoint } from "@rnnlm/core/node";
import { CharTokenizer, RandomBatches, TextCodec, Vocab, WordTokenizer } from "@rnnlm/data";
import { type GenerateOptions, Generator } from "./generator.js";
import { registerInstalledBackends } from "./register-backends.js";

/** The hyperparameters {@link trainTextModel} takes; a preset fills the ones not given. */
export interface TextModelHyperparameters {
  /** Tokens: characters (default) or whitespace-separated words. */
  readonly level: "char" | "word";
  readonly cell: Cell;
  readonly hiddenSize: number;
  readonly numLayers: number;
  /** Learned embedding size; null feeds one-hot tokens (d2l). */
  readonly embeddingSize: number | null;
  readonly epochs: number;
  /** Adam's learning rate. */
  readonly lr: number;
  /** Clip the gradient's global norm to this; null: no clipping. */
  readonly clip: number | null;
  readonly batchSize: number;
  /** Time steps per batch (PyTorch's bptt, d2l's num_steps). */
  readonly numSteps: number;
  /** Seeds the initial weights and the batch order. */
  readonly seed: number;
}

/** Named starting points: `tiny` trains in seconds (tests, smoke runs), `small` in a minute or two on a book. */
export const TEXT_MODEL_PRESETS = {
  tiny: {
    level: "char",
    cell: "lstm",
    hiddenSize: 32,
    numLayers: 1,
    embeddingSize: null,
    epochs: 3,
    lr: 0.01,
    clip: 1,
    batchSize: 8,
    numSteps: 16,
    seed: 0,
  },
  small: {
    level: "char",
    cell: "lstm",
    hiddenSize: 256,
    numLayers: 1,
    embeddingSize: null,
    epochs: 20,
    lr: 0.01,
    clip: 1,
    batchSize: 16,
    numSteps: 35,
    seed: 0,
  },
} as const satisfies Record<string, TextModelHyperparameters>;

export type TextModelPreset = keyof typeof TEXT_MODEL_PRESETS;

export interface TrainTextOptions extends Partial<TextModelHyperparameters> {
  /** The preset the other options override (default `small`). */
  readonly preset?: TextModelPreset;
  /** Backend hints (`"tfjs:wasm"`, `"onnx:cpu"`, …); default `RNNLM_BACKEND`, else `"auto"`. */
  readonly backend?: string;
  /** Told after every epoch (epoch, trainPerplexity, learningRate, tokensPerSecond, seconds). */
  readonly onEpoch?: (record: EpochRecord) => void;
  /** Aborting stops after the current step; the model keeps what it learned so far. */
  readonly signal?: AbortSignal;
}

/** Text to train on: the text itself, or `{ file }` to read a UTF-8 file. */
export type TrainingText = string | { readonly file: string };

/** A trained model with its vocabulary: generate from it, save it, export it. */
export class TextModel {
  private generator: Generator | null = null;

  constructor(
    readonly model: TrainableModel,
    readonly codec: TextCodec,
    /** The backend it trained on. */
    readonly backend: string,
    /** One record per epoch trained. */
    readonly history: readonly EpochRecord[],
    private readonly trainer: TrainerState,
  ) {}

  get spec(): ModelSpec {
    return this.model.spec;
  }

  /** Writes a checkpoint folder (weights, spec, vocabulary, trainer state) that `loadGenerator` and `rnnlm` read. */
  async save(dir: string): Promise<void> {
    await saveCheckpoint(dir, {
      spec: this.spec,
      weights: await this.model.getWeights(),
      codec: this.codec.toJSON(),
      trainer: this.trainer,
    });
  }

  /** Writes a self-contained `.onnx` file (the vocabulary travels in its metadata). */
  async exportOnnx(file: string): Promise<void> {
    await exportOnnxFile(file, this.spec, await this.model.getWeights(), { codec: this.codec.toJSON() });
  }

  /** Continues `prefix` on the training backend (see {@link Generator.generate}). */
  generate(prefix: string, options: GenerateOptions = {}): Promise<string> {
    return this.generatorOf().generate(prefix, options);
  }

  /** Streams the tokens that continue `prefix` (see {@link Generator.stream}). */
  stream(prefix: string, options: GenerateOptions = {}): AsyncGenerator<string> {
    return this.generatorOf().stream(prefix, options);
  }

  dispose(): void {
    this.generator?.dispose();
    this.model.dispose();
  }

  private generatorOf(): Generator {
    this.generator ??= new Generator(this.model, this.codec, this.backend, false);
    return this.generator;
  }
}

function positiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RnnlmError("ERR_OPTIONS", `${name} must be a positive integer, got ${value}`);
  }
}

/**
 * Trains a recurrent language model on `text` and returns it, ready to generate, save and
 * export. Registers the installed backends.
 *
 * ```ts
 * const model = await trainTextModel({ file: "book.txt" }, { preset: "tiny", onEpoch: (e) => console.log(e) });
 * await model.save("run");
 * await model.exportOnnx("model.onnx");
 * ```
 */
export async function trainTextModel(text: TrainingText, options: TrainTextOptions = {}): Promise<TextModel> {
  const preset = options.preset ?? "small";
  const base: TextModelHyperparameters | undefined = TEXT_MODEL_PRESETS[preset];
  if (base === undefined) {
    throw new RnnlmError(
      "ERR_OPTIONS",
      `unknown preset "${preset}"; use one of ${Object.keys(TEXT_MODEL_PRESETS).join(", ")}`,
    );
  }
  const h: TextModelHyperparameters = { ...base, ...definedOnly(options) };
  for (const name of ["hiddenSize", "numLayers", "epochs", "batchSize", "numSteps"] as const)
    positiveInteger(name, h[name]);
  const raw = typeof text === "string" ? text : await readFile(text.file, "utf8");
  const tokenizer = h.level === "word" ? new WordTokenizer() : new CharTokenizer({ clean: "none", keepNewlines: true });
  const tokens = tokenizer.tokenize(raw);
  const need = h.numSteps + 1;
  if (tokens.length <= need) {
    throw new RnnlmError(
      "ERR_OPTIONS",
      `the text has ${tokens.length} ${h.level === "word" ? "words" : "characters"}, too few for numSteps ${h.numSteps}: give more text or a smaller numSteps`,
    );
  }
  const codec = new TextCodec(tokenizer, Vocab.build(tokens));
  const ids = codec.encode(raw);

  await registerInstalledBackends();
  const runtime = await resolveBackend(options.backend ?? backendHintsFromEnv("auto"), { capability: "train" });
  const spec = parseModelSpec({
    cell: h.cell,
    vocabSize: codec.size,
    hiddenSize: h.hiddenSize,
    numLayers: h.numLayers,
    embeddingSize: h.embeddingSize,
  });
  const model = await runtime.createTrainableModel(spec, {
    seed: h.seed,
    training: parseTrainingOptions({ optimizer: { type: "adam", lr: h.lr }, clip: h.clip, seed: h.seed }),
  });
  const batchSize = Math.max(1, Math.min(h.batchSize, Math.floor((ids.length - 1) / h.numSteps)));
  try {
    const result = await trainLoop({
      model,
      train: new RandomBatches(ids, { batchSize, numSteps: h.numSteps, seed: h.seed }),
      epochs: h.epochs,
      signal: options.signal,
      onEvent: (event) => {
        if (event.type === "epoch") options.onEpoch?.(event.record);
      },
    });
    return new TextModel(model, codec, runtime.id, result.history, result.state);
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** The options that are set: `{ epochs: undefined }` must not erase the preset's epochs. */
function definedOnly(options: TrainTextOptions): Partial<TextModelHyperparameters> {
  const keys = [
    "level",
    "cell",
    "hiddenSize",
    "numLayers",
    "embeddingSize",
    "epochs",
    "lr",
    "clip",
    "batchSize",
    "numSteps",
    "seed",
  ] as const;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (options[key] !== undefined) out[key] = options[key];
  return out as Partial<TextModelHyperparameters>;
}
