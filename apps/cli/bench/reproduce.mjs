// Reproduces a word-level preset with whole `rnnlm train` processes, as a user would run it,
// and records the result beside the source's published number (SPEC §2):
//   node apps/cli/bench/reproduce.mjs --preset zaremba-small [--backend onnx:cpu]
//        [--data fixtures/ptb] [--epochs N] [--run-dir DIR] [--slice-seconds S]
// A full run trains to the preset's (or --epochs') end, then runs `rnnlm eval --which both`,
// and writes apps/cli/bench/results/reproduce-<preset>-<backend>.json. --slice-seconds S stops
// the run with Ctrl-C (SIGINT) after S seconds and projects the time per epoch and in total
// from the tokens/s so far (…-slice.json). Either way apps/cli/bench/results/reproduce.md is
// rebuilt from every reproduce-*.json there (--table rebuilds only that; --snapshot --preset P
// --run-dir DIR records a run still going, from DIR/last/, as "in progress"). Run folders go to apps/cli/bench/runs/ (ignored by git).
import { spawn } from "node:child_process";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");
const bin = resolve(here, "../dist/bin.js");
const resultsDir = join(here, "results");

/** The sources' own numbers (SPEC §2), printed beside ours. */
const PUBLISHED = {
  "zaremba-small": {
    data: "fixtures/ptb",
    source: "Zaremba et al. 2014 small (TensorFlow PTB model)",
    test: 115.9,
    note: "test 114.5 in the paper, 115.9 in the TensorFlow rerun; 13 epochs",
  },
  "zaremba-medium": {
    data: "fixtures/ptb",
    source: "Zaremba et al. 2014 medium (TensorFlow PTB model)",
    test: 82.1,
    note: "test 82.7 in the paper, 82.1 in the TensorFlow rerun; 39 epochs",
  },
  "gluon-ptb": {
    data: "fixtures/ptb",
    source: "MXNet gluon word-LM tutorial",
    valid: 234.7,
    test: 227.8,
    note: "the tutorial's own log after 1 epoch",
  },
  "pytorch-wikitext2": {
    data: "fixtures/wikitext-2",
    source: "PyTorch examples word_language_model",
    note: "compare with the PyTorch twin per epoch (bench/pytorch-twin.py)",
  },
};

/** Rebuilds reproduce.md from every reproduce-*.json in the results folder. */
function writeTable() {
  const rows = readdirSync(resultsDir)
    .filter((name) => /^reproduce-.*\.json$/.test(name))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(resultsDir, name), "utf8")));
  const fmt = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? "—" : x.toFixed(digits));
  const minutes = (s) => `${(s / 60).toFixed(1)} min`;
  const lines = [
    "| preset | backend | threads | epochs | wall time (train) | tokens/s | valid ppl | test ppl | source's number |",
  ];
  for (const r of rows) {
    const pub = [
      r.published.valid ? `valid ${r.published.valid}` : null,
      r.published.test ? `test ${r.published.test}` : null,
    ]
      .filter(Boolean)
      .join(", ");
    const sourceCell = `${pub || "—"} (${r.published.note})`;
    if (r.mode === "in progress") {
      const last = r.history.at(-1);
      lines.push(
        `| ${r.preset} | ${r.backend} | ${r.machine.cores} cores, default | ${r.history.length} of ${r.epochsPlanned} done (still running) | ${minutes(r.trainSeconds)} so far → projected ${(r.projectedTotalSeconds / 3600).toFixed(1)} h | ${fmt(r.tokensPerSecond, 0)} | ${fmt(last.validPerplexity)} (epoch ${last.epoch}; per epoch: ${r.history.map((h) => fmt(h.validPerplexity)).join(", ")}) | not yet | ${sourceCell} |`,
      );
    } else if (r.mode === "slice") {
      lines.push(
        `| ${r.preset} | ${r.backend} | ${r.machine.cores} cores, default | ${r.batchesDone}/${r.batchesPerEpoch} batches of 1 (of ${r.epochsPlanned}) | ${fmt(r.seconds, 0)} s → projected ${minutes(r.projectedEpochSeconds)}/epoch, ${(r.projectedTotalSeconds / 3600).toFixed(1)} h total | ${fmt(r.tokensPerSecond, 0)} | not run | not run | ${sourceCell} |`,
      );
    } else {
      lines.push(
        `| ${r.preset} | ${r.backend} | ${r.machine.cores} cores, default | ${r.epochs} | ${minutes(r.wallSeconds)} | ${fmt(r.tokensPerSecond, 0)} | ${fmt(r.best.valid)} (best, epoch ${r.bestEpoch}) | ${fmt(r.best.test)} | ${sourceCell} |`,
      );
    }
  }
  // Aligned columns, as the formatter (biome) writes markdown tables.
  const cells = lines.map((line) =>
    line
      .slice(2, -2)
      .split(" | ")
      .map((c) => c.trim()),
  );
  const widths = cells[0].map((_, i) => Math.max(3, ...cells.map((row) => row[i].length)));
  const render = (row) => `| ${row.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  const table = [render(cells[0]), render(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(render)];
  const markdown = `# Word-level reproductions\n\nWritten by \`node apps/cli/bench/reproduce.mjs\` from every \`reproduce-*.json\` here (each holds its command, load and per-epoch history).\n\n${table.join("\n")}\n`;
  writeAtomic(join(resultsDir, "reproduce.md"), markdown);
}

/** A trainer.json history as the JSON records it, one row per epoch. */
function historyRows(history) {
  return history.map((r) => ({
    epoch: r.epoch,
    lr: r.learningRate,
    trainPerplexity: r.trainPerplexity,
    validPerplexity: r.validPerplexity,
    seconds: r.seconds,
    tokensPerSecond: r.tokensPerSecond,
  }));
}

/** Seconds spent training over all epochs, and the tokens/s over them. */
function trainingTotals(history) {
  const trainSeconds = history.reduce((s, r) => s + r.seconds, 0);
  const tokens = history.reduce((s, r) => s + r.tokensPerSecond * r.seconds, 0);
  return { trainSeconds, tokensPerSecond: tokens / trainSeconds };
}

/** The per-epoch history of an unfinished run folder, and the projected total time. */
function snapshot() {
  const preset = values.preset;
  const dir = resolve(values["run-dir"] ?? "");
  const trainer = JSON.parse(readFileSync(join(dir, "last", "trainer.json"), "utf8"));
  const planned = JSON.parse(readFileSync(resolve(here, "../presets", `${preset}.json`), "utf8")).epochs;
  const history = trainer.history;
  const { trainSeconds, tokensPerSecond } = trainingTotals(history);
  const result = {
    bench: "reproduce",
    date: new Date().toISOString(),
    mode: "in progress",
    preset,
    backend: values.backend,
    machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, load: os.loadavg() },
    runDir: relative(repo, dir),
    published: PUBLISHED[preset],
    epochsPlanned: planned,
    trainSeconds,
    tokensPerSecond,
    projectedTotalSeconds: (trainSeconds / history.length) * planned,
    history: historyRows(history),
  };
  const tag = `${preset}-${values.backend.replace(/[^a-z0-9]+/gi, "-")}-in-progress`;
  mkdirSync(resultsDir, { recursive: true });
  writeAtomic(join(resultsDir, `reproduce-${tag}.json`), `${JSON.stringify(result, null, 2)}\n`);
  writeTable();
  console.log(`wrote ${relative(repo, join(resultsDir, `reproduce-${tag}.json`))} and reproduce.md`);
}

function writeAtomic(path, text) {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

const { values } = parseArgs({
  options: {
    preset: { type: "string" },
    backend: { type: "string", default: "onnx:cpu" },
    data: { type: "string" },
    epochs: { type: "string" },
    "run-dir": { type: "string" },
    "slice-seconds": { type: "string" },
    table: { type: "boolean", default: false },
    snapshot: { type: "boolean", default: false },
  },
});
if (values.table) {
  writeTable();
  process.exit(0);
}
if (values.snapshot) {
  // Records a run that is still going (--run-dir, its last/ checkpoint) as "in progress".
  snapshot();
  process.exit(0);
}
const preset = values.preset;
if (preset === undefined || !(preset in PUBLISHED)) {
  console.error(`reproduce: pass --preset ${Object.keys(PUBLISHED).join("|")}`);
  process.exit(2);
}
if (!existsSync(bin)) {
  console.error("reproduce: apps/cli/dist/bin.js is missing; run npm run setup (or build the CLI) first");
  process.exit(2);
}
const published = PUBLISHED[preset];
const backend = values.backend;
const data = resolve(repo, values.data ?? published.data);
const sliceSeconds = values["slice-seconds"] === undefined ? null : Number(values["slice-seconds"]);
const tag = `${preset}-${backend.replace(/[^a-z0-9]+/gi, "-")}${sliceSeconds === null ? "" : "-slice"}`;
const runDir = resolve(values["run-dir"] ?? join(here, "runs", `${tag}-${Date.now()}`));
mkdirSync(runDir, { recursive: true });
const presetConfig = JSON.parse(readFileSync(resolve(here, "../presets", `${preset}.json`), "utf8"));
const epochs = values.epochs === undefined ? presetConfig.epochs : Number(values.epochs);
const load = () => os.loadavg().map((l) => Number(l.toFixed(2)));

/** Runs the CLI, echoing and logging its output; resolves with the exit code and stdout. */
function cli(args, logName, { stopAfterSeconds = null } = {}) {
  return new Promise((resolveRun, reject) => {
    const log = createWriteStream(join(runDir, logName));
    log.write(`$ rnnlm ${args.join(" ")}\n`);
    const child = spawn(process.execPath, [bin, ...args], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      process.stdout.write(chunk);
      log.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      process.stderr.write(chunk);
      log.write(chunk);
    });
    const timer = stopAfterSeconds === null ? null : setTimeout(() => child.kill("SIGINT"), stopAfterSeconds * 1000);
    child.on("error", reject);
    child.on("close", (code) => {
      if (timer) clearTimeout(timer);
      log.end();
      resolveRun({ code, stdout });
    });
  });
}

const trainArgs = ["train", "--config", preset, "--data", data, "--backend", backend, "--save", runDir];
if (values.epochs !== undefined) trainArgs.push("--epochs", values.epochs);
trainArgs.push("--log-interval", "200");
const loadBefore = load();
const started = performance.now();
const train = await cli(trainArgs, "train.log", { stopAfterSeconds: sliceSeconds });
const wallSeconds = (performance.now() - started) / 1000;
const loadAfter = load();
const expected = sliceSeconds === null ? 0 : 130;
if (train.code !== expected) {
  console.error(`reproduce: rnnlm train exited ${train.code} (expected ${expected}); see ${runDir}/train.log`);
  process.exit(1);
}
const trainer = JSON.parse(readFileSync(join(runDir, "last", "trainer.json"), "utf8"));
const runtime = /^backend: (.*)$/m.exec(train.stdout)?.[1] ?? backend;
const trainTokens = Number(/^data: (\d+) train/m.exec(train.stdout)?.[1]);
// Word-LM bptt windows over the batchified train split: ceil((⌊N/B⌋ − 1) / bptt) per epoch.
const batchSize = Number(/^ {2}--batch-size +(\d+)/m.exec(train.stdout)?.[1]);
const bptt = Number(/^ {2}--bptt +(\d+)/m.exec(train.stdout)?.[1]);
const batchesPerEpoch = Math.ceil((Math.floor(trainTokens / batchSize) - 1) / bptt);

const result = {
  bench: "reproduce",
  date: new Date().toISOString(),
  preset,
  backend,
  runtime,
  threads: `ORT/TF.js default (machine has ${os.cpus().length} cores)`,
  machine: { cpu: os.cpus()[0]?.model, cores: os.cpus().length, loadBefore, loadAfter },
  command: `node apps/cli/dist/bin.js ${trainArgs.map((a) => (a.startsWith(repo) ? relative(repo, a) || "." : a)).join(" ")}`,
  source: published.source,
  published: { valid: published.valid ?? null, test: published.test ?? null, note: published.note },
  wallSeconds,
};

if (sliceSeconds !== null) {
  const partial = trainer.partialEpoch;
  const tokensPerSecond = partial.tokens / partial.seconds;
  const epochSeconds = (partial.seconds * batchesPerEpoch) / partial.batchesDone;
  Object.assign(result, {
    mode: "slice",
    epochsPlanned: epochs,
    batchesDone: partial.batchesDone,
    batchesPerEpoch,
    tokens: partial.tokens,
    seconds: partial.seconds,
    tokensPerSecond,
    trainPerplexitySoFar: Math.exp(partial.lossSum / partial.tokens),
    projectedEpochSeconds: epochSeconds,
    projectedTotalSeconds: epochSeconds * epochs,
    trainTokens,
  });
  console.log(
    `| ${preset} on ${backend}: ${partial.batchesDone}/${batchesPerEpoch} batches in ${partial.seconds.toFixed(0)} s, ` +
      `${tokensPerSecond.toFixed(0)} tok/s → ${(epochSeconds / 60).toFixed(1)} min/epoch, ` +
      `${((epochSeconds * epochs) / 3600).toFixed(1)} h for ${epochs} epochs (training only)`,
  );
} else {
  const evaluation = await cli(["eval", "--checkpoint", runDir, "--which", "both", "--backend", backend], "eval.log");
  if (evaluation.code !== 0) {
    console.error(`reproduce: rnnlm eval exited ${evaluation.code}; see ${runDir}/eval.log`);
    process.exit(1);
  }
  const blocks = evaluation.stdout.split(/^checkpoint /m).slice(1);
  const ppl = (block, split) => Number(new RegExp(`\\| ${split} ppl ([\\d.]+)`).exec(block)?.[1] ?? Number.NaN);
  const [best, last] = blocks.map((block) => ({ valid: ppl(block, "valid"), test: ppl(block, "test") }));
  const history = trainer.history;
  const { trainSeconds, tokensPerSecond } = trainingTotals(history);
  Object.assign(result, {
    mode: "full",
    epochs: history.length,
    trainSeconds,
    tokensPerSecond,
    best,
    last,
    bestEpoch: history.reduce((b, r) => (r.validPerplexity !== null && r.validPerplexity < b.validPerplexity ? r : b))
      .epoch,
    history: historyRows(history),
  });
}

mkdirSync(resultsDir, { recursive: true });
writeAtomic(join(resultsDir, `reproduce-${tag}.json`), `${JSON.stringify(result, null, 2)}\n`);
writeTable();
console.log(`wrote ${relative(repo, join(resultsDir, `reproduce-${tag}.json`))} and reproduce.md`);
