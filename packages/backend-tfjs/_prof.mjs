import { parseModelSpec, TextGenerator } from "@rnnlm/core";
import { tfjsBackend } from "./dist/index.js";
const rt = await tfjsBackend.init(process.argv[2] ?? "wasm", {});
const spec = parseModelSpec({ cell: "lstm", vocabSize: 10000, hiddenSize: 200, numLayers: 2, embeddingSize: 200 });
const model = await rt.createModel(spec, { seed: 1 });
const codec = {
  size: 10000,
  unkId: 0,
  separator: " ",
  tokenize: (t) => t.split(" ").filter(Boolean),
  idOf: Number,
  tokenOf: String,
};
const g = new TextGenerator(model, codec);
await g.generate("1 2 3", 100, { greedy: true });
const t = performance.now();
await g.generate("1 2 3", 600, { greedy: true });
console.log("tok/s", (600 / (performance.now() - t)) * 1000);
