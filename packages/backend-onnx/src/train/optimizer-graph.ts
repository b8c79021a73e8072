import type { TrainingOptions } from "@rnnlm/core";
import { CLIP_EPSILON } from "@rnnlm/core/backend";
import { type EmbeddingRows, UNIQUE_IDS } from "./backward-graph.js";
import { FLOAT, type GraphBuilder } from "./graph-builder.js";
import { EMBEDDING, TRAIN_IO, updatedName, updatedRowsName } from "./train-io.js";

/** SGD without momentum or weight decay: a step changes only the rows with a nonzero gradient. */
export function isPlainSgd(opt: TrainingOptions["optimizer"]): boolean {
  return opt.type === "sgd" && opt.momentum === 0 && opt.weightDecay === 0;
}

/**
 * Adds global-norm clipping and the optimizer update to a graph holding the raw gradients.
 *
 * `shapes` lists the graph's parameters (`trainParameterShapes`: the decoder may be packed with
 * its bias, which changes no sum and no elementwise update). Clipping is PyTorch's
 * `clip_grad_norm_` (core's `clipCoefficient`): norm = √(Σ over the parameters of Σ g²) (a tied
 * matrix once; `bias_ih` and `bias_hh` separately, even where their gradients are the same
 * tensor), g ← g·min(1, clip/(norm + 1e-6)). The norm and the coefficient are computed in
 * float64, then the coefficient is rounded to float32 once. Updates are PyTorch's SGD (weight
 * decay added to g, momentum buffer starting at g) and Adam (bias-corrected; step size
 * lr/(1 − β1^t) and √(1 − β2^t) come in as scalars computed on the host in float64) and RMSprop
 * (v = α·v + (1−α)·g², w −= lr·g/(√v + eps)). Outputs `grad_norm`, `new.<param>` and
 * `new.<buffer>`; with `embeddingRows` (plain SGD only, where untouched rows
 * keep their values) `new_rows.encoder.weight` instead of `new.encoder.weight`: the updated rows
 * of the window's ids, in `rows.index` order.
 */
export function addOptimizerUpdate(
  g: GraphBuilder,
  training: TrainingOptions,
  grads: Readonly<Record<string, string>>,
  shapes: ReadonlyMap<string, readonly number[]>,
  embeddingRows: EmbeddingRows | null = null,
): void {
  const names = [...shapes.keys()];
  const shapeOf = (name: string) => shapes.get(name) ?? [];
  const squares = new Map<string, string>();
  const terms = names.map((name) => {
    const grad = name === EMBEDDING && embeddingRows !== null ? embeddingRows.rows : grads[name];
    let sq = squares.get(grad);
    if (sq === undefined) {
      sq = g.sumSquares64(grad, name === EMBEDDING && embeddingRows !== null ? 2 : shapeOf(name).length);
      squares.set(grad, sq);
    }
    return sq;
  });
  const norm = g.op1("Sqrt", [g.op1("Sum", terms, "sumsq_total")], "norm");
  g.output(TRAIN_IO.gradNorm, g.cast(norm, FLOAT), FLOAT, []);
  const coef =
    training.clip === null
      ? null
      : g.cast(
          g.op1("Min", [g.double(1), g.div(g.double(training.clip), g.add(norm, g.double(CLIP_EPSILON)))], "clip_coef"),
          FLOAT,
        );
  const lr = g.input(TRAIN_IO.lr, FLOAT, []);
  const opt = training.optimizer;

  const plainSgd = isPlainSgd(opt);
  if (embeddingRows !== null && !plainSgd) throw new Error("internal: embedding rows need plain SGD");
  if (plainSgd) {
    const stepScale = coef === null ? lr : g.mul(lr, coef);
    for (const name of names) {
      if (name === EMBEDDING && embeddingRows !== null) {
        const rows = g.op1("GatherND", [name, embeddingRows.index], "rows");
        const updated = g.sub(rows, g.mul(embeddingRows.rows, stepScale));
        g.output(updatedRowsName(name), updated, FLOAT, [UNIQUE_IDS, shapeOf(name)[1] ?? 0]);
      } else {
        g.output(updatedName(name), g.sub(name, g.mul(grads[name], stepScale)), FLOAT, shapeOf(name));
      }
    }
    return;
  }
  const stepSize = opt.type === "adam" ? g.input(TRAIN_IO.adamStepSize, FLOAT, []) : "";
  const bias2Sqrt = opt.type === "adam" ? g.input(TRAIN_IO.adamBias2Sqrt, FLOAT, []) : "";
  for (const name of names) {
    const shape = shapeOf(name);
    let d = coef === null ? grads[name] : g.mul(grads[name], coef);
    if (opt.weightDecay > 0) d = g.add(d, g.scale(name, opt.weightDecay));
    if (opt.type === "sgd") {
      if (opt.momentum > 0) {
        const bufName = `momentum.${name}`;
        d = g.add(g.scale(g.input(bufName, FLOAT, shape), opt.momentum), d);
        g.output(updatedName(bufName), d, FLOAT, shape);
      }
      g.output(updatedName(name), g.sub(name, g.mul(d, lr)), FLOAT, shape);
    } else if (opt.type === "rmsprop") {
      const vName = `square_avg.${name}`;
      const v = g.add(g.scale(g.input(vName, FLOAT, shape), opt.alpha), g.scale(g.mul(d, d), 1 - opt.alpha));
      g.output(updatedName(vName), v, FLOAT, shape);
      const denom = g.add(g.op1("Sqrt", [v], "sqrt"), g.scalar(opt.eps));
      g.output(updatedName(name), g.sub(name, g.mul(lr, g.div(d, denom))), FLOAT, shape);
    } else {
      const mName = `exp_avg.${name}`;
      const vName = `exp_avg_sq.${name}`;
      const m = g.add(g.scale(g.input(mName, FLOAT, shape), opt.beta1), g.scale(d, 1 - opt.beta1));
      const v = g.add(g.scale(g.input(vName, FLOAT, shape), opt.beta2), g.scale(g.mul(d, d), 1 - opt.beta2));
      g.output(updatedName(mName), m, FLOAT, shape);
      g.output(updatedName(vName), v, FLOAT, shape);
      const denom = g.add(g.div(g.op1("Sqrt", [v], "sqrt"), bias2Sqrt), g.scalar(opt.eps));
      g.output(updatedName(name), g.sub(name, g.mul(stepSize, g.div(m, denom))), FLOAT, shape);
    }
  }
}
