// Whole processes, end to end: `rnnlm train` (onnx:cpu) against the PyTorch twins of each model
// (d2l_torch.py for the five d2l presets, pytorch_twin.py for the word-level ones), each side at 1
// and 2 threads, alternated in rounds, median wall time of the rounds per side and thread count,
// each side's best thread count counted. The wall time is the process's: start-up, reading and
// tokenizing the corpus, building the model, training, per-epoch validation and the final test
// evaluation where the preset has them, saving the result.
//
//   node apps/cli/bench/train-vs-pytorch.mjs [--rounds 3] [--d2l-epochs 40] [--word-tokens 60000]
//        [--only d2l-gru,zaremba-small] [--threads 1,2]
//
// The d2l presets train --d2l-epochs epochs of their 10,000-token Time Machine corpus (the issue's
// measurement used 40; d2l itself runs 500); the word-level presets train one epoch of the first
// --word-tokens tokens of each split (PTB for zaremba-small, WikiText-2 for pytorch-wikitext2),
// validation included. Needs the built CLI (npm run setup) and Debian's python3-torch with OpenBLAS
// selected (RNNLM_PYTHON, default /usr/bin/python3). Writes results/train-vs-pytorch.json and prints
// the README table.
import { spawnSync } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runProcess, selectedBlas } from "./processes.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    "d2l-epochs": { type: "string", default: "40" },
    "word-tokens": { type: "string", default: "60000" },
    only: { type: "string" },
    threads: { type: "string", default: "1,2" },
  },
});
const ROUNDS = Number(values.rounds);
const D2L_EPOCHS = Number(values["d2l-epochs"]);
const WORD_TOKENS = Number(values["word-tokens"]);
const THREADS = values.threads.split(",").map(Number);
const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const BIN = here("../dist/bin.js");
const TEXT = here("../../../packages/data/corpora/timemachine.txt");
const PTB = here("../../../fixtures/ptb");
const WIKITEXT2 = here("../../../fixtures/wikitext-2");
const RESULTS = here("results/train-vs-pytorch.json");
const PYTHON = process.env.RNNLM_PYTHON ?? "/usr/bin/python3";

const D2L = ["d2l-rnn-scratch", "d2l-rnn", "d2l-gru", "d2l-lstm", "d2l-deep-lstm"].map((name) => ({
  name,
  work: `${D2L_EPOCHS} epochs × 10,000 tokens`,
  rnnlm: ["--config", name, "--epochs", String(D2L_EPOCHS)],
  torch: (dir) => [
    here("d2l_torch.py"),
    ...["--model", name, "--text", TEXT, "--epochs", String(D2L_EPOCHS), "--save", join(dir, "torch.pt")],
  ],
}));
const WORD = [
  { name: "pytorch-wikitext2", data: WIKITEXT2 },
  { name: "zaremba-small", data: PTB },
].map(({ name, data }) => ({
  name,
  work: `1 epoch × ${WORD_TOKENS.toLocaleString("en")} tokens + validation`,
  rnnlm: ["--config", name, "--data", data, "--epochs", "1", "--max-tokens", String(WORD_TOKENS)],
  torch: (dir) => [
    here("pytorch_twin.py"),
    ...["--preset", name, "--data", data, "--epochs", "1", "--max-tokens", String(WORD_TOKENS)],
    // `rnnlm train` ends with the test perplexity of the best weights: so does the twin.
    ...["--state", join(dir, `torch-${Date.now()}.pt`), "--test"],
  ],
}));
const only = values.only?.split(",");
const MODELS = [...D2L, ...WORD].filter((m) => only === undefined || only.includes(m.name));

async function rnnlmRun(model, threads, dir) {
  const save = join(dir, `rnnlm-${Date.now()}`);
  const args = [BIN, "train", ...model.rnnlm, "--backend", "onnx:cpu", "--threads", String(threads), "--save", save];
  const r = await runProcess(process.execPath, args, {});
  if (r.code !== 0) throw new Error(`rnnlm train ${model.name} exited ${r.code}: ${r.stderr}`);
  // Perplexities print as 123.45 or 2.38e+5.
  const ppl = [...r.stdout.matchAll(/train ppl +([\d.]+(?:e[+-]\d+)?)/g)].at(-1)?.[1];
  const valid = [...r.stdout.matchAll(/\| valid ppl +([\d.]+(?:e[+-]\d+)?)/g)].at(-1)?.[1];
  return { seconds: r.seconds, trainPerplexity: Number(ppl), validPerplexity: valid ? Number(valid) : undefined };
}

async function torchRun(model, threads, dir) {
  const args = [...model.torch(dir), "--threads", String(threads)];
  // OpenMP's default active wait spins its threads while OpenBLAS's own pool needs the cores: at 2
  // threads on 2 cores that made PyTorch 3-4x slower than at 1. Passive waiting is its fix.
  const r = await runProcess(PYTHON, args, {
    OMP_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(threads),
    OMP_WAIT_POLICY: "PASSIVE",
  });
  if (r.code !== 0) throw new Error(`PyTorch twin ${model.name} exited ${r.code}: ${r.stderr}`);
  const epochs = r.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .filter((o) => o.epoch !== undefined);
  const last = epochs.at(-1);
  return { seconds: r.seconds, trainPerplexity: last.trainPerplexity, validPerplexity: last.validPerplexity };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const load = () => loadavg().map((v) => Number(v.toFixed(2)));

const torchVersion = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
if (torchVersion.status !== 0) {
  console.error(`${PYTHON} cannot import torch: install Debian's python3-torch or set RNNLM_PYTHON`);
  process.exit(2);
}
const blasValue = selectedBlas();
if (!blasValue.includes("openblas")) console.warn(`warning: BLAS is ${blasValue}, not OpenBLAS: PyTorch is slowed`);

const dir = mkdtempSync(join(tmpdir(), "rnnlm-train-vs-pytorch-"));
const rows = [];
const loadBefore = load();
try {
  for (const model of MODELS) {
    const runs = [];
    const sides = THREADS.flatMap((threads) => [
      { side: "rnnlm", threads, go: () => rnnlmRun(model, threads, dir) },
      { side: "pytorch", threads, go: () => torchRun(model, threads, dir) },
    ]);
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate who goes first so neither side always runs on a warmer (or hotter) machine.
      const order = round % 2 === 1 ? sides : [...sides].reverse();
      for (const { side, threads, go } of order) {
        const r = { round, side, threads, ...(await go()), load: load()[0] };
        runs.push(r);
        console.log(
          `${model.name.padEnd(18)} round ${round} | ${side.padEnd(7)} ${threads}t | ${r.seconds.toFixed(2).padStart(7)} s` +
            ` | train ppl ${r.trainPerplexity.toFixed(2)}${r.validPerplexity ? ` | valid ppl ${r.validPerplexity.toFixed(2)}` : ""}` +
            ` | load ${r.load}`,
        );
      }
    }
    const medians = {};
    for (const side of ["rnnlm", "pytorch"]) {
      medians[side] = {};
      for (const threads of THREADS) {
        medians[side][threads] = median(
          runs.filter((r) => r.side === side && r.threads === threads).map((r) => r.seconds),
        );
      }
    }
    const best = (side) => {
      const [threads, seconds] = Object.entries(medians[side]).sort((a, b) => a[1] - b[1])[0];
      return { threads: Number(threads), seconds };
    };
    const row = { model: model.name, work: model.work, medians, rnnlm: best("rnnlm"), pytorch: best("pytorch"), runs };
    row.ratio = row.pytorch.seconds / row.rnnlm.seconds;
    rows.push(row);
    console.log(
      `${model.name}: rnnlm ${row.rnnlm.seconds.toFixed(2)} s vs PyTorch ${row.pytorch.seconds.toFixed(2)} s: ${row.ratio.toFixed(2)}×`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const result = {
  bench:
    "whole `rnnlm train` processes (onnx:cpu) against PyTorch twins, median of alternated rounds, best thread count per side",
  date: new Date().toISOString(),
  rounds: ROUNDS,
  threads: THREADS,
  machine: { cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`, loadBefore, loadAfter: load() },
  pytorch: torchVersion.stdout.trim(),
  blas: blasValue,
  rows,
};
const tmp = `${RESULTS}.tmp`;
writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
renameSync(tmp, RESULTS);

const fmt = (s) => `${s.toFixed(2)} s`;
const columns = ["rnnlm", "PyTorch"].flatMap((side) => THREADS.map((t) => `${side} ${t}t`));
console.log(`\n| model | work | ${columns.join(" | ")} | best vs best |`);
console.log(`|${" --- |".repeat(columns.length + 3)}`);
for (const r of rows) {
  const cells = ["rnnlm", "pytorch"].flatMap((side) => THREADS.map((t) => fmt(r.medians[side][t])));
  console.log(`| ${r.model} | ${r.work} | ${cells.join(" | ")} | **${r.ratio.toFixed(2)}×** |`);
}
console.log(`wrote ${RESULTS}`);
