import { FLOAT, type GraphBuilder, INT32, intAttr } from "./graph-builder.js";
import { TRAIN_IO } from "./train-io.js";

/** The loss of a window and what its gradient needs (`softmaxCrossEntropy` in the reference). */
export interface CrossEntropyGraph {
  /** (steps·batch, 1) int32 input. */
  readonly targets: string;
  /** log softmax of the logits, (steps·batch, V). */
  readonly logp: string;
  /** steps·batch: the loss is the mean over this many positions. */
  readonly rows: number;
}

/** Mean cross-entropy −mean_r log softmax(z_r)[y_r] as the `loss` output, with `targets` as an input. */
export function crossEntropyGraph(g: GraphBuilder, logits: string, rows: number): CrossEntropyGraph {
  const targets = g.input(TRAIN_IO.targets, INT32, [rows, 1]);
  const logp = g.op1("LogSoftmax", [logits], "logp", [intAttr("axis", 1)]);
  const picked = g.op1("GatherElements", [logp, targets], "picked", [intAttr("axis", 1)]);
  const loss = g.op1("Neg", [g.op1("ReduceMean", [picked], "mean", [intAttr("keepdims", 0)])], "loss");
  g.output(TRAIN_IO.loss, loss, FLOAT, []);
  return { targets, logp, rows };
}
