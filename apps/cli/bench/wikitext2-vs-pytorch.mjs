// The pytorch-wikitext2 preset beside its PyTorch twin (bench/pytorch_twin.py, main.py's
// semantics), run alternately one epoch at a time so both see the same machine load:
//   node apps/cli/bench/wikitext2-vs-pytorch.mjs [--epochs 6] [--backend onnx:cpu]
//        [--max-tokens N] [--threads N] [--run-dir DIR]
// Epoch e: `rnnlm train` (fresh for e = 1, then `--resume DIR --epochs e`), then the twin
// resumed from its state file up to e. At the end both report the test perplexity of their best
// weights. --max-tokens N keeps the first N tokens of each split (both sides), for a short
// measured slice: N = 140001 is 200 batches of 20 × 35. The run folder keeps both models and the
// rows measured so far (rows.json): the same command with the same --run-dir continues an
// interrupted run at the first epoch it has not recorded (6 epochs take hours on 2 cores).
// Needs Debian's python3-torch
// (/usr/bin/python3, or $PYTHON); OpenBLAS
// (libopenblas0-pthread) is used for the twin when installed, through LD_LIBRARY_PATH.
// Writes apps/cli/bench/results/wikitext2-vs-pytorch[-slice].json.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");
const bin = resolve(here, "../dist/bin.js");
const data = join(repo, "fixtures", "wikitext-2");
const OPENBLAS = "/usr/lib/x86_64-linux-gnu/openblas-pthread";
// Debian's interpreter, where python3-torch is installed (a pyenv or venv python3 may lack torch).
const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";

const { values } = parseArgs({
  options: {
    epochs: { type: "string", default: "6" },
    backend: { type: "string", default: "onnx:cpu" },
    "max-tokens": { type: "string" },
    threads: { type: "string", default: String(os.cpus().length) },
    "run-dir": { type: "string" },
  },
});
const epochs = Number(values.epochs);
const maxTokens = values["max-tokens"];
const slice = maxTokens !== undefined;
const runDir = resolve(values["run-dir"] ?? join(here, "runs", `wikitext2-vs-pytorch-${Date.now()}`));
mkdirSync(runDir, { recursive: true });
const ours = join(runDir, "rnnlm");
const torchState = join(runDir, "torch-state.pt");
const blas = existsSync(join(OPENBLAS, "libblas.so.3")) ? "OpenBLAS (openblas-pthread)" : "system libblas";
const pythonEnv = {
  ...process.env,
  // OpenMP's active wait starves OpenBLAS's threads when both pools share 2 cores (3-4x slower).
  OMP_WAIT_POLICY: "PASSIVE",
  ...(blas.startsWith("OpenBLAS") ? { LD_LIBRARY_PATH: `${OPENBLAS}:${process.env.LD_LIBRARY_PATH ?? ""}` } : {}),
};

function run(command, args, env = process.env) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd: repo, env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`${command} ${args.join(" ")} exited ${code}`));
      else resolveRun(stdout);
    });
  });
}

const jsonLines = (stdout) =>
  stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
const twin = (epochsTo, extra = []) =>
  run(
    PYTHON,
    [
      join(here, "pytorch_twin.py"),
      ...["--data", data, "--state", torchState, "--epochs", String(epochsTo), "--threads", values.threads],
      ...(slice ? ["--max-tokens", maxTokens] : []),
      ...extra,
    ],
    pythonEnv,
  );

const rowsFile = join(runDir, "rows.json");
const saved = existsSync(rowsFile) ? JSON.parse(readFileSync(rowsFile, "utf8")) : null;
if (saved !== null && (saved.maxTokens ?? null) !== (maxTokens ?? null)) {
  throw new Error(`${runDir} holds a run with --max-tokens ${saved.maxTokens ?? "(none)"}: use another --run-dir`);
}
const rows = saved?.rows ?? [];
const loadBefore = saved?.loadBefore ?? os.loadavg();
if (rows.length > 0) console.log(`continuing ${runDir} after epoch ${rows.length}`);
for (let epoch = rows.length + 1; epoch <= epochs; epoch++) {
  // A fresh run only when nothing was saved yet: an interrupted one resumes where it stopped.
  const fresh = !existsSync(join(ours, "last"));
  const trainArgs = fresh
    ? ["train", "--config", "pytorch-wikitext2", "--data", data, "--backend", values.backend, "--save", ours]
    : ["train", "--resume", ours, "--backend", values.backend];
  trainArgs.push("--epochs", String(epoch), "--log-interval", "0");
  if (fresh && slice) trainArgs.push("--max-tokens", maxTokens);
  const started = performance.now();
  await run(process.execPath, [bin, ...trainArgs]);
  const oursWall = (performance.now() - started) / 1000;
  const record = JSON.parse(readFileSync(join(ours, "last", "trainer.json"), "utf8")).history[epoch - 1];
  const [torchRecord] = jsonLines(await twin(epoch));
  if (torchRecord === undefined) {
    throw new Error(`the twin's state in ${runDir} is past epoch ${epoch} (stopped between the twin and rows.json)`);
  }
  const row = {
    epoch,
    rnnlm: {
      lr: record.learningRate,
      trainPerplexity: record.trainPerplexity,
      validPerplexity: record.validPerplexity,
      trainSeconds: record.seconds,
      processSeconds: oursWall,
      tokensPerSecond: record.tokensPerSecond,
    },
    pytorch: torchRecord,
    load: os.loadavg(),
  };
  rows.push(row);
  writeFileSync(`${rowsFile}.tmp`, `${JSON.stringify({ maxTokens: maxTokens ?? null, loadBefore, rows }, null, 2)}\n`);
  renameSync(`${rowsFile}.tmp`, rowsFile);
  console.log(
    `| epoch ${epoch} | rnnlm valid ppl ${record.validPerplexity.toFixed(2)} (${record.tokensPerSecond.toFixed(0)} tok/s) ` +
      `| PyTorch valid ppl ${torchRecord.validPerplexity.toFixed(2)} (${torchRecord.tokensPerSecond.toFixed(0)} tok/s) |`,
  );
}
const evalOut = await run(process.execPath, [bin, "eval", "--checkpoint", ours, "--backend", values.backend]);
const oursTest = Number(/\| test ppl ([\d.]+)/.exec(evalOut)?.[1]);
const torchTest = jsonLines(await twin(epochs, ["--test"])).at(-1).testPerplexity;

const result = {
  bench: "wikitext2-vs-pytorch",
  date: new Date().toISOString(),
  mode: slice ? `slice: --max-tokens ${maxTokens} (each split)` : "full",
  backend: values.backend,
  threads: { rnnlm: "ORT default", pytorch: Number(values.threads) },
  blas,
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadBefore, loadAfter: os.loadavg() },
  epochs: rows,
  test: { rnnlm: oursTest, pytorch: torchTest },
};
const out = join(here, "results", `wikitext2-vs-pytorch${slice ? "-slice" : ""}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(`${out}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
renameSync(`${out}.tmp`, out);
console.log(`| test ppl of the best weights | rnnlm ${oursTest.toFixed(2)} | PyTorch ${torchTest.toFixed(2)} |`);
console.log(`wrote ${out}`);
