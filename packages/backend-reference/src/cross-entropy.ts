/**
 * Mean softmax cross-entropy over `rows` rows of `logits` (rows, V) and its gradient:
 * loss = (1/rows)·Σ_r [logsumexp(z_r) − z_r[y_r]], d loss / d z_r = (softmax(z_r) − onehot(y_r)) / rows.
 */
export function softmaxCrossEntropy(
  logits: Float64Array,
  targets: Int32Array,
  vocab: number,
): { loss: number; dlogits: Float64Array } {
  const rows = targets.length;
  const dlogits = new Float64Array(logits.length);
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const z = logits.subarray(r * vocab, (r + 1) * vocab);
    let max = Number.NEGATIVE_INFINITY;
    for (let v = 0; v < vocab; v++) max = Math.max(max, z[v]);
    let sum = 0;
    for (let v = 0; v < vocab; v++) sum += Math.exp(z[v] - max);
    const logSumExp = max + Math.log(sum);
    total += logSumExp - z[targets[r]];
    for (let v = 0; v < vocab; v++) dlogits[r * vocab + v] = Math.exp(z[v] - logSumExp) / rows;
    dlogits[r * vocab + targets[r]] -= 1 / rows;
  }
  return { loss: total / rows, dlogits };
}
