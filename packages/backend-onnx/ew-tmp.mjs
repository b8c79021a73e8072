import * as ort from "onnxruntime-node";
import { FLOAT, GraphBuilder } from "./dist/train/graph-builder.js";

const shape = (process.env.SHAPE ?? "32,256").split(",").map(Number);
const n = shape[0] * shape[1];
const K = 200;
function build(op) {
  const g = new GraphBuilder();
  let x = g.input("x", FLOAT, shape);
  const y = g.input("y", FLOAT, shape);
  for (let i = 0; i < K; i++) x = op === "Mul" ? g.mul(x, y) : g.op1(op, [x], "o");
  g.output("out", x, FLOAT, shape);
  return g.encode("m");
}
const feeds = {
  x: new ort.Tensor("float32", new Float32Array(n).fill(0.5), shape),
  y: new ort.Tensor("float32", new Float32Array(n).fill(1), shape),
};
for (const op of ["Sigmoid", "Tanh", "Mul", "Identity"]) {
  const res = [];
  for (const threads of [1, 2]) {
    const s = await ort.InferenceSession.create(build(op), {
      intraOpNumThreads: threads,
      graphOptimizationLevel: "disabled",
      extra: { session: { intra_op: { allow_spinning: "1" } } },
    });
    const f = Object.fromEntries(s.inputNames.map((k) => [k, feeds[k]]));
    const ts = [];
    for (let i = 0; i < 60; i++) {
      const t = performance.now();
      await s.run(f);
      if (i > 5) ts.push(performance.now() - t);
    }
    ts.sort((a, b) => a - b);
    res.push(`${threads}t ${((ts[ts.length >> 1] * 1000) / K).toFixed(2)} µs/node`);
  }
  console.log(`${op} ${shape}: ${res.join(", ")}`);
}
