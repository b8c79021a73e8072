/**
 * `@rnnlm/rnnlm`: the few calls most users need. It registers the installed backends itself.
 *
 * - {@link loadGenerator}: an `.onnx` file or a checkpoint folder → a {@link Generator}.
 * - {@link trainTextModel}: text → a trained {@link TextModel} to generate from, save and export.
 */
export type { EpochRecord } from "@rnnlm/core";
export { DEFAULT_MAX_TOKENS, type GenerateOptions, Generator } from "./generator.js";
export { type LoadGeneratorOptions, loadGenerator } from "./load-generator.js";
export { type MissingBackend, registerInstalledBackends } from "./register-backends.js";
export {
  TEXT_MODEL_PRESETS,
  TextModel,
  type TextModelHyperparameters,
  type TextModelPreset,
  type TrainingText,
  type TrainTextOptions,
  trainTextModel,
} from "./train-text-model.js";
