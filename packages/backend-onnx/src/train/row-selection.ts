/** The distinct ids of a window and which positions hold each, as the training graphs take them. */
export interface RowSelection {
  /** Row u, column n is 1 where `ids[n]` is the u-th distinct id, else 0: (unique, ids.length). */
  readonly select: Float32Array;
  /** The distinct ids in ascending order, as int64 (unique, 1). */
  readonly index: BigInt64Array;
  readonly unique: number;
}

/**
 * Builds the selection that turns "sum the gradient rows of every position holding id v" into one
 * matrix product (`select · dRows`) followed by a scatter that writes each id's row once. A
 * scatter with reduction "add" over repeated ids races on ONNX Runtime's multi-threaded CPU
 * kernels; a product has a fixed summation order for a given thread count.
 */
export function rowSelection(ids: Int32Array, vocabSize: number): RowSelection {
  const slot = new Int32Array(vocabSize).fill(-1);
  const distinct: number[] = [];
  for (const id of ids) {
    if (slot[id] === -1) {
      slot[id] = 0;
      distinct.push(id);
    }
  }
  distinct.sort((a, b) => a - b);
  distinct.forEach((id, u) => {
    slot[id] = u;
  });
  const n = ids.length;
  const select = new Float32Array(distinct.length * n);
  for (let i = 0; i < n; i++) select[slot[ids[i]] * n + i] = 1;
  return { select, index: BigInt64Array.from(distinct, (id) => BigInt(id)), unique: distinct.length };
}
