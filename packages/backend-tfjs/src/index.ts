export { TFJS_DEVICES, type TfjsDevice } from "./devices.js";
export type { TfjsRuntime } from "./runtime.js";
export { tfjsBackend } from "./tfjs-backend.js";
export type { TfjsModel } from "./tfjs-model.js";
export type { TfjsTrainableModel } from "./tfjs-trainable-model.js";
