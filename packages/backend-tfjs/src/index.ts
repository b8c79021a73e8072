export { TFJS_DEVICES, type TfjsDevice, tfjsDevices } from "./devices.js";
export { TfjsRuntime } from "./runtime.js";
export { tfjsBackend } from "./tfjs-backend.js";
export { TfjsModel } from "./tfjs-model.js";
export { TfjsTensor } from "./tfjs-tensor.js";
export { TfjsTrainableModel } from "./tfjs-trainable-model.js";
