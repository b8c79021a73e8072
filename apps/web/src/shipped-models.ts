/** A model file served from `public/models/`. */
export interface ShippedModel {
  readonly file: string;
  readonly label: string;
}

/**
 * Models the app ships (files in `public/models/`). Add your own export there and a line here
 * to offer it without the file picker.
 */
export const SHIPPED_MODELS: readonly ShippedModel[] = [
  { file: "time-machine-gru.onnx", label: "The Time Machine, character GRU (pre-trained)" },
  { file: "time-machine-lstm.onnx", label: "The Time Machine, d2l character LSTM (perplexity 1.04)" },
  { file: "time-machine-raw-char-rnn.onnx", label: "The Time Machine as written, char-rnn LSTM 2 × 128" },
];

/** URL of a shipped model, relative to the page. */
export function shippedModelUrl(model: ShippedModel): string {
  return new URL(`${import.meta.env.BASE_URL}models/${model.file}`, document.baseURI).href;
}
