/**
 * `@rnnlm/core/backend`: what a backend author needs beyond the user API of `@rnnlm/core`
 * (which holds the interfaces a backend implements: `Backend`, `BackendRuntime`, `Model`,
 * `TrainableModel`, `Tensor`). Every backend answers bad input the same way by calling the
 * model-contract checks here, and lays out weights and optimizer buffers canonically.
 */

export { toTimeMajor } from "./batch.js";
export { CLIP_EPSILON, clipCoefficient, sumOfSquares } from "./clip.js";
// Training numerics every backend shares.
export { type DropoutMasks, drawDropoutMasks, hasDropout, noDropout } from "./dropout.js";
// Sampling primitives behind TextGenerator, for a backend that samples on its own.
export {
  argmax,
  drawFrom,
  FEED_CHUNK_STEPS,
  GREEDY_CHUNK_STEPS,
  samplingDistribution,
  softmax,
} from "./generate.js";
// The model contract: input and state checks, optimizer state layout (see the README).
export {
  beginHostState,
  bufferParameter,
  checkBatchSize,
  checkFiniteStep,
  checkForwardInput,
  checkLearningRate,
  checkNotDisposed,
  checkState,
  checkTokenIds,
  checkTrainingBatch,
  describeOptimizer,
  emptyForward,
  type InitialStateValues,
  initialStateValues,
  optimizerBufferKinds,
  optimizerBufferLayout,
  optimizerBufferNames,
  stateShape,
  validateOptimizerState,
} from "./model-contract.js";
export { hasCellState } from "./spec.js";
// Host memory tensors and batches.
export { HostTensor, sizeOf } from "./tensor.js";
export { meanCrossEntropy } from "./train.js";
// Canonical weights: PyTorch names, shapes and order; initialisation.
export { canonicalWeightShapes, initWeights, parameterNames, validateWeights, withTiedDecoder } from "./weights.js";
