/**
 * `@rnnlm/core`: what a user of rnnlm holds and calls. Browser-safe. Backend-author
 * internals (host tensors, model-contract checks, dropout masks, weight layout) are on
 * `@rnnlm/core/backend`; checkpoint folders on disk are on `@rnnlm/core/node`.
 */

// Training.
export type { BatchSource, TimeMajorBatch, TokenBatch } from "./batch.js";
// Checkpoints: their contents and the bytes of their files (folders on disk: `@rnnlm/core/node`).
export { type CheckpointFile, encodeCheckpoint } from "./checkpoint/encode-checkpoint.js";
// Text generation.
export type { TokenCodec } from "./codec.js";
// Errors.
export {
  BackendUnavailableError,
  CheckpointError,
  ModelDisposedError,
  NonFiniteLossError,
  RnnlmError,
  ShapeError,
  SpecError,
} from "./errors.js";
export { type SamplingOptions, TextGenerator, type TextGeneratorOptions, validateSampling } from "./generate.js";
// Models, their states and tensors.
export {
  disposeState,
  type ForwardResult,
  type GradientResult,
  type GreedyStepsResult,
  type LossResult,
  type Model,
  type RecurrentState,
  type StateInit,
  type TimeMajorIds,
  type TrainableModel,
  type TrainStepResult,
} from "./model.js";
export {
  type LrSchedule,
  type LrScheduleInput,
  lrScheduleSchema,
  type OptimizerSpec,
  type OptimizerSpecInput,
  optimizerSpecSchema,
  parseLrSchedule,
  parseTrainingOptions,
  type StepLrSchedule,
  type TrainingOptions,
  type TrainingOptionsInput,
  trainingOptionsSchema,
} from "./optimizer.js";
export { type RandomState, SeededRandom } from "./random.js";
// Backends: choosing one and the runtime it loads.
export {
  backendHintsFromEnv,
  listBackends,
  parseBackendHints,
  type ResolveOptions,
  registerBackend,
  resolveBackend,
} from "./registry.js";
export type {
  Backend,
  BackendDevice,
  BackendInitOptions,
  BackendRuntime,
  Capability,
  CreateModelOptions,
  CreateTrainableModelOptions,
  TrainingRuntime,
} from "./runtime.js";
export {
  decodeSafetensors,
  encodeSafetensors,
  type SafetensorsArray,
  type SafetensorsDType,
  type SafetensorsFile,
  type SafetensorsTensor,
} from "./safetensors.js";
// Model specs.
export {
  CELLS,
  type Cell,
  DEFAULT_INIT_SCALE,
  gateCount,
  INIT_SCHEMES,
  type InitScheme,
  inputSize,
  type ModelSpec,
  type ModelSpecInput,
  modelSpecSchema,
  parseModelSpec,
} from "./spec.js";
export type { DType, NumericArray, Tensor, TypedArrayFor } from "./tensor.js";
export {
  type CheckpointReason,
  evaluatePerplexity,
  type TrainEvent,
  type TrainLoopOptions,
  type TrainLoopResult,
  trainLoop,
} from "./train.js";
export type { CheckpointData, EpochRecord, PartialEpoch, TrainerState } from "./trainer-state.js";
export { parameterCount, type Weights, type WeightTensor } from "./weights.js";
