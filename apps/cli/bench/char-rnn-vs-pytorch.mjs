// char-rnn on the raw Time Machine: `rnnlm train --config char-rnn` on onnx:cpu against a
// PyTorch twin (char_rnn_torch.py: same text, split, model, loss, optimizer, schedule, batches)
// for the same wall-clock budget each, alternating who goes first per round. Each run gets its
// budget from process start (start-up included for both); rnnlm is stopped by Ctrl-C (it
// finishes the step and saves last/), PyTorch stops itself between batches. Then each model's
// validation loss is measured as `rnnlm eval` measures it (50 streams, windows of 50).
//
//   node apps/cli/bench/char-rnn-vs-pytorch.mjs [--seconds 180] [--rounds 1] [--threads 1]
//
// --threads sets PyTorch's intra-op threads (default 1: on a loaded 2-core machine OpenMP with 2
// threads collapsed to 7 steps in 15 s against 114 with 1); ONNX Runtime keeps its defaults.
//
// Needs the built CLI (npm run setup) and Debian's python3-torch (RNNLM_PYTHON, default
// /usr/bin/python3). Writes apps/cli/bench/results/char-rnn-vs-pytorch.json.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runProcess, selectedBlas } from "./processes.mjs";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "180" },
    rounds: { type: "string", default: "1" },
    threads: { type: "string", default: "1" },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const THREADS = Number(values.threads);
const VALID_FRACTION = 0.1;
const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const TORCH_SCRIPT = fileURLToPath(new URL("char_rnn_torch.py", import.meta.url));
const TEXT = fileURLToPath(new URL("../../../packages/data/corpora/timemachine.txt", import.meta.url));
const RESULTS = fileURLToPath(new URL("results/char-rnn-vs-pytorch.json", import.meta.url));
const PYTHON = process.env.RNNLM_PYTHON ?? "/usr/bin/python3";

async function rnnlmRun(dir) {
  const save = join(dir, `rnnlm-${Date.now()}`);
  const args = [BIN, "train", "--config", "char-rnn", "--data", "timemachine", "--clean", "none"];
  args.push(
    "--valid-fraction",
    String(VALID_FRACTION),
    "--backend",
    "onnx:cpu",
    "--save",
    save,
    "--log-interval",
    "10",
  );
  const started = performance.now();
  const train = await runProcess(
    "nice",
    ["-n", "10", process.execPath, ...args],
    { OMP_NUM_THREADS: String(THREADS) },
    (child) => {
      setTimeout(() => child.kill("SIGINT"), SECONDS * 1000);
    },
  );
  const wall = (performance.now() - started) / 1000;
  if (train.code !== 130 && train.code !== 0) throw new Error(`rnnlm train exited ${train.code}: ${train.stderr}`);
  const progress = [...train.stdout.matchAll(/\| epoch +(\d+) \| +(\d+)\/ *(\d+) batches/g)].at(-1);
  const epochs = progress ? Number(progress[1]) - 1 + Number(progress[2]) / Number(progress[3]) : 0;
  const steps = progress ? (Number(progress[1]) - 1) * Number(progress[3]) + Number(progress[2]) : 0;
  const evaluated = await runProcess(process.execPath, [
    BIN,
    "eval",
    "--checkpoint",
    join(save, "last"),
    "--backend",
    "onnx:cpu",
  ]);
  const loss = Number(evaluated.stdout.match(/valid loss (\d+\.\d+)/)?.[1]);
  if (!Number.isFinite(loss))
    throw new Error(`rnnlm eval printed no valid loss: ${evaluated.stdout}${evaluated.stderr}`);
  return { runtime: "rnnlm onnx:cpu", validLoss: loss, steps, epochs, wallSeconds: wall };
}

async function torchRun() {
  const started = performance.now();
  const deadline = Date.now() / 1000 + SECONDS;
  const r = await runProcess(
    "nice",
    ["-n", "10", PYTHON, TORCH_SCRIPT, TEXT, String(VALID_FRACTION), String(deadline), String(THREADS)],
    {
      OMP_NUM_THREADS: String(THREADS),
    },
  );
  if (r.code !== 0) throw new Error(`PyTorch twin exited ${r.code}: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split("\n").at(-1));
  return {
    runtime: `PyTorch ${out.torch} CPU`,
    validLoss: out.validLoss,
    steps: out.steps,
    epochs: out.epochs,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

const dir = mkdtempSync(join(tmpdir(), "rnnlm-char-rnn-bench-"));
const runs = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [torchRun, () => rnnlmRun(dir)] : [() => rnnlmRun(dir), torchRun];
    for (const go of order) {
      const r = { round: round + 1, ...(await go()) };
      r.validBpc = r.validLoss / Math.LN2;
      runs.push(r);
      console.log(
        `round ${r.round} | ${r.runtime.padEnd(20)} | ${SECONDS} s | ${String(r.steps).padStart(5)} steps | ` +
          `${r.epochs.toFixed(2)} epochs | valid loss ${r.validLoss.toFixed(4)} nats | ${r.validBpc.toFixed(4)} bits/char`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const result = {
  bench: "char-rnn preset on the raw Time Machine (10 % validation tail), equal wall-clock budget",
  date: new Date().toISOString(),
  seconds: SECONDS,
  threads: THREADS,
  cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
  blas: selectedBlas(),
  runs,
};
const tmp = `${RESULTS}.tmp`;
writeFileSync(tmp, `${JSON.stringify(result, null, 2)}\n`);
renameSync(tmp, RESULTS);
console.log(`wrote ${RESULTS}`);
