import { z } from "zod";
import { SpecError } from "./errors.js";

/** Recurrent cell types, named as in PyTorch's `word_language_model`. */
export const CELLS = ["rnn_tanh", "rnn_relu", "gru", "lstm"] as const;
export type Cell = (typeof CELLS)[number];

/**
 * Weight initialisation schemes.
 * - `d2l`: every weight N(0, 0.01²), every bias 0 (d2l "from scratch").
 * - `pytorch`: PyTorch layer defaults (recurrent U(±1/√H), Linear U(±1/√in), Embedding N(0, 1)).
 * - `word-lm`: PyTorch `word_language_model`: embedding and decoder U(±0.1), decoder bias 0,
 *   recurrent layers at PyTorch defaults.
 * - `gluon`: MXNet gluon word-LM tutorial: embedding U(±0.1), recurrent and decoder weights
 *   Xavier-uniform (MXNet's default magnitude 3: U(±√(6/(fan_in + fan_out)))), biases 0.
 * - `uniform`: every weight and bias U(±initScale) (Zaremba et al. / TensorFlow PTB model's
 *   `init_scale`; 0.1 unless `initScale` says otherwise).
 */
export const INIT_SCHEMES = ["d2l", "pytorch", "word-lm", "gluon", "uniform"] as const;

/** `initScale` of the `uniform` scheme when the spec leaves it out. */
export const DEFAULT_INIT_SCALE = 0.1;
export type InitScheme = (typeof INIT_SCHEMES)[number];

const probability = z.number().min(0).lt(1);
const positiveInt = z.number().int().positive();

const dropoutSchema = z
  .object({
    /** On the embedded (or one-hot) input of the first layer. */
    input: probability.default(0),
    /** On the output of every recurrent layer but the last (PyTorch's `dropout` argument). */
    between: probability.default(0),
    /** On the last recurrent layer's output, before the decoder. */
    output: probability.default(0),
  })
  .strict();

export const modelSpecSchema = z
  .object({
    cell: z.enum(CELLS),
    vocabSize: positiveInt,
    hiddenSize: positiveInt,
    numLayers: positiveInt.default(1),
    /** Learned embedding size, or `null` for one-hot input (d2l). */
    embeddingSize: positiveInt.nullable().default(null),
    dropout: dropoutSchema.default({ input: 0, between: 0, output: 0 }),
    /** Decoder reuses the embedding matrix (needs embeddingSize = hiddenSize). */
    tied: z.boolean().default(false),
    init: z.enum(INIT_SCHEMES).default("pytorch"),
    /** Bound of the `uniform` scheme (absent: {@link DEFAULT_INIT_SCALE}); only with init `uniform`. */
    initScale: z.number().positive().optional(),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (spec.initScale !== undefined && spec.init !== "uniform") {
      ctx.addIssue({
        code: "custom",
        path: ["initScale"],
        message: `initScale applies to init "uniform" only (init is "${spec.init}")`,
      });
    }
    if (spec.tied && spec.embeddingSize === null) {
      ctx.addIssue({
        code: "custom",
        path: ["tied"],
        message: "tied weights need a learned embedding: set embeddingSize equal to hiddenSize, or tied: false",
      });
    } else if (spec.tied && spec.embeddingSize !== spec.hiddenSize) {
      ctx.addIssue({
        code: "custom",
        path: ["tied"],
        message: `tied weights need embeddingSize (${spec.embeddingSize}) = hiddenSize (${spec.hiddenSize})`,
      });
    }
  });

/** A validated model specification (every default filled in). */
export type ModelSpec = z.output<typeof modelSpecSchema>;
/** What a user may write: defaults may be left out. */
export type ModelSpecInput = z.input<typeof modelSpecSchema>;

/** Formats zod issues as `field: message; field: message`, naming each field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}

/** Validates a model spec, filling defaults; throws a {@link SpecError} naming each bad field. */
export function parseModelSpec(input: unknown): ModelSpec {
  const result = modelSpecSchema.safeParse(input);
  if (!result.success) throw new SpecError(`invalid model spec: ${describeIssues(result.error)}`);
  return result.data;
}

/** Gate blocks per cell: rows of `weight_ih` are `gateCount · hiddenSize`. */
export function gateCount(cell: Cell): number {
  switch (cell) {
    case "lstm":
      return 4;
    case "gru":
      return 3;
    default:
      return 1;
  }
}

/** Width of the first recurrent layer's input: the embedding size, or the vocabulary for one-hot. */
export function inputSize(spec: ModelSpec): number {
  return spec.embeddingSize ?? spec.vocabSize;
}

/** Number of state tensors a cell carries: LSTM has (h, c), the others h. */
export function hasCellState(cell: Cell): boolean {
  return cell === "lstm";
}
