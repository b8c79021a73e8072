// Tokenisation throughput and memory of @rnnlm/data's streaming loaders.
// Run: node --expose-gc bench/tokenize.bench.mjs   (package script `bench`; build first)
// Prints tokens/s, ms and peak memory per corpus; writes bench/results/tokenize.json.
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { loadCorpusFolder, loadTextFile, loadTimeMachine, timeMachinePath } from "../dist/index.js";

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const ptbTrain = `${repoRoot}fixtures/ptb/ptb.train.txt`;
const wikitext = `${repoRoot}fixtures/wikitext-2`;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

if (typeof globalThis.gc !== "function") {
  console.error("run with node --expose-gc (the package's `bench` script does)");
  process.exit(1);
}

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Runs `load` once, sampling heap + array buffers every millisecond (and at the end). */
async function measure(load) {
  globalThis.gc();
  globalThis.gc();
  const base = used();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, used());
  }, 1);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const corpus = await load();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  clearInterval(timer);
  peak = Math.max(peak, used());
  const tokens = corpus.train.length + (corpus.valid?.length ?? 0) + (corpus.test?.length ?? 0);
  return { ms, cpuMs, tokens, peakBytes: peak - base, corpus };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (b) => (b / 2 ** 20).toFixed(1);

async function bench(name, bytes, load) {
  await measure(load); // warm-up (JIT)
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(load));
  const ms = median(runs.map((r) => r.ms));
  const cpuMs = median(runs.map((r) => r.cpuMs));
  const peakBytes = Math.max(...runs.map((r) => r.peakBytes));
  const { tokens } = runs[0];
  const row = {
    name,
    fileBytes: bytes,
    tokens,
    vocab: runs[0].corpus.codec.size,
    msMedian: Number(ms.toFixed(1)),
    msAll: runs.map((r) => Number(r.ms.toFixed(1))),
    cpuMsMedian: Number(cpuMs.toFixed(1)),
    tokensPerSecond: Math.round(tokens / (ms / 1000)),
    peakBytes,
    peakOverFile: Number((peakBytes / bytes).toFixed(2)),
    idBytes: tokens * 4,
  };
  console.log(
    `${name.padEnd(28)} ${String(tokens).padStart(9)} tokens  ${ms.toFixed(1).padStart(7)} ms (cpu ${cpuMs.toFixed(0)} ms)  ` +
      `${(row.tokensPerSecond / 1e6).toFixed(2)} M tokens/s  peak ${mb(peakBytes)} MiB ` +
      `(${row.peakOverFile}× the ${mb(bytes)} MiB read; the ids alone are ${mb(row.idBytes)} MiB)`,
  );
  return row;
}

const results = [];
results.push(await bench("ptb.train (word)", statSync(ptbTrain).size, () => loadTextFile(ptbTrain, { level: "word" })));
results.push(
  await bench("timemachine (char, d2l)", statSync(timeMachinePath()).size, () =>
    loadTimeMachine({ maxTokens: Number.POSITIVE_INFINITY }),
  ),
);
if (existsSync(wikitext)) {
  const bytes = ["train", "valid", "test"].reduce((s, f) => s + statSync(`${wikitext}/${f}.txt`).size, 0);
  results.push(await bench("wikitext-2 all splits (word)", bytes, () => loadCorpusFolder(wikitext)));
} else {
  console.log(`wikitext-2 skipped: not found at ${wikitext}`);
}

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cpus: cpus().length,
  totalMemBytes: totalmem(),
  runs: RUNS,
  loadAverage1m: loadavg()[0],
  note: "ms = wall time (median); cpuMs = process CPU time, GC threads included, so less sensitive to other load; peakBytes = max sampled (heapUsed + arrayBuffers) above the post-GC baseline during one load",
  results,
};
const dir = fileURLToPath(new URL("./results/", import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}tokenize.json`, `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote ${dir}tokenize.json`);
