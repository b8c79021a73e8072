export { referenceBackend } from "./reference-backend.js";
export { type Forward64Result, ReferenceModel, type State64 } from "./reference-model.js";
export { ReferenceTrainableModel } from "./reference-trainable-model.js";
