/**
 * Names of the training graphs' inputs and outputs. Parameters are inputs under their canonical
 * names (`parameterNames(spec)`, PyTorch layout and gate order), so weights need no permuting.
 * - inputs: `ids` int32 (steps·batch) and `targets` int32 (steps·batch, 1), time-major;
 *   `rows.select` float32 (unique, steps·batch) and `rows.index` int64 (unique, 1), the ids'
 *   distinct values and which positions hold each (see `rowSelection`), for gradients by id;
 *   `h0`/`c0` (layers, batch, hidden); dropout masks; `lr` and Adam's step scalars;
 *   optimizer buffers `momentum.<p>`, `exp_avg.<p>`, `exp_avg_sq.<p>`, `square_avg.<p>`.
 * - outputs: `logits`, `loss` (scalar), `hn`/`cn`, `grad_norm`, `grad.<p>`, `new.<p>` and
 *   `new.<buffer>` (the updated parameters and buffers), `new_rows.encoder.weight` (the updated
 *   rows of the window's ids, where only those change: see `addOptimizerUpdate`).
 */
export const TRAIN_IO = {
  ids: "ids",
  targets: "targets",
  rowSelect: "rows.select",
  rowIndex: "rows.index",
  h0: "h0",
  c0: "c0",
  logits: "logits",
  loss: "loss",
  hn: "hn",
  cn: "cn",
  gradNorm: "grad_norm",
  lr: "lr",
  adamStepSize: "adam.step_size",
  adamBias2Sqrt: "adam.bias2_sqrt",
  maskInput: "mask.input",
  maskOutput: "mask.output",
} as const;

/** The embedding parameter, which plain SGD updates by rows (see `addOptimizerUpdate`). */
export const EMBEDDING = "encoder.weight";

/** Dropout mask between layer k and k + 1. */
export function maskBetween(k: number): string {
  return `mask.between_l${k}`;
}

export function gradName(param: string): string {
  return `grad.${param}`;
}

/** The output holding the updated rows (those of `rows.index`) of a parameter updated by rows. */
export function updatedRowsName(name: string): string {
  return `new_rows.${name}`;
}

/** The output holding the updated value of a parameter or optimizer buffer. */
export function updatedName(name: string): string {
  return `new.${name}`;
}
