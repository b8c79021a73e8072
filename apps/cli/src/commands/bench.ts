import {
  type BackendRuntime,
  disposeState,
  listBackends,
  parseModelSpec,
  parseTrainingOptions,
  type TimeMajorBatch,
} from "@rnnlm/core";
import { writeFileAtomic } from "@rnnlm/core/node";
import { registerInstalledBackends } from "@rnnlm/rnnlm";
import { loadBackend } from "../choose-backend.js";
import type { CliContext } from "../cli-output.js";
import type { FlagDef } from "../flag-def.js";
import { helpText } from "../help-text.js";
import { checkTrainingFits, memoryBudget } from "../memory-estimate.js";
import { checkOutputFile } from "../output-file.js";
import { parseFlags } from "../parse-flags.js";
import { normalizeCell } from "../run-config.js";
import { UsageError } from "../usage-error.js";

const BENCH_FLAGS: readonly FlagDef[] = [
  {
    flag: "backend",
    type: "string",
    placeholder: "HINTS",
    help: "comma list of backend:device to measure (default: every registered device but the reference)",
  },
  {
    flag: "model",
    type: "choice",
    choices: ["rnn_tanh", "rnn_relu", "gru", "lstm", "rnn"],
    help: "cell (default lstm)",
  },
  { flag: "nhid", type: "int", placeholder: "N", help: "hidden units (default 256)" },
  { flag: "steps", type: "int", placeholder: "N", help: "timed training steps of 32×35 (default 5)" },
  { flag: "tokens", type: "int", placeholder: "N", help: "timed greedy generation tokens (default 200)" },
  { flag: "json", type: "string", placeholder: "FILE", help: "also write the results as JSON" },
  { flag: "force", type: "boolean", help: "replace the --json FILE if it exists" },
];

export const BENCH_HELP = helpText(
  ["rnnlm bench [--backend HINTS] [--model CELL] [--nhid N] [--steps N] [--tokens N] [--json FILE [--force]]"],
  "Measures every backend device on the d2l character model (one-hot vocabulary 28, batch 32,\n" +
    "35 steps): training tokens/s (forward, BPTT, clipping, SGD) and greedy generation tokens/s\n" +
    "(batch 1, one token per call), and prints one table. The backend packages' own `bench`\n" +
    "scripts measure more shapes.",
  BENCH_FLAGS,
);

interface BenchRow {
  readonly runtime: string;
  readonly description: string;
  readonly trainTokensPerSecond: number | null;
  readonly generateTokensPerSecond: number | null;
  readonly note: string;
}

const BATCH = 32;
const STEPS = 35;
const VOCAB = 28;

function randomBatch(seed: number): TimeMajorBatch {
  let s = seed >>> 0 || 1;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % VOCAB;
  };
  const x = Int32Array.from({ length: BATCH * STEPS }, next);
  const y = Int32Array.from({ length: BATCH * STEPS }, next);
  return { x, y, steps: STEPS, batch: BATCH };
}

async function measure(
  runtime: BackendRuntime,
  cell: string,
  hidden: number,
  steps: number,
  tokens: number,
): Promise<BenchRow> {
  const spec = parseModelSpec({ cell, vocabSize: VOCAB, hiddenSize: hidden });
  let train: number | null = null;
  if (runtime.createTrainableModel && steps > 0) {
    const model = await runtime.createTrainableModel(spec, {
      seed: 0,
      training: parseTrainingOptions({ optimizer: { type: "sgd", lr: 1 }, clip: 1 }),
    });
    const batch = randomBatch(1);
    const warm = await model.trainStep(batch, model.beginState(BATCH));
    disposeState(warm.state);
    const start = performance.now();
    for (let i = 0; i < steps; i++) {
      const state = model.beginState(BATCH);
      const result = await model.trainStep(batch, state);
      disposeState(state);
      disposeState(result.state);
    }
    train = (steps * BATCH * STEPS) / ((performance.now() - start) / 1000);
    model.dispose();
  }
  const model = await runtime.createModel(spec, { seed: 0 });
  let state = model.beginState(1);
  let next = 1;
  const step = async (): Promise<void> => {
    const out = await model.forward({ ids: Int32Array.of(next), steps: 1, batch: 1 }, state);
    disposeState(state);
    state = out.state;
    const logits = await out.logits.data();
    out.logits.dispose();
    let best = 0;
    for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
    next = best;
  };
  await step();
  const start = performance.now();
  for (let i = 0; i < tokens; i++) await step();
  const generate = tokens > 0 ? tokens / ((performance.now() - start) / 1000) : null;
  disposeState(state);
  model.dispose();
  return {
    runtime: runtime.id,
    description: runtime.description,
    trainTokensPerSecond: train,
    generateTokensPerSecond: generate,
    note: "",
  };
}

function table(rows: readonly BenchRow[]): string {
  const fmt = (v: number | null): string => (v === null ? "—" : v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const lines: string[][] = [
    ["runtime", "train tok/s", "generate tok/s", "detail"],
    ...rows.map((r) => [
      r.runtime,
      fmt(r.trainTokensPerSecond),
      fmt(r.generateTokensPerSecond),
      r.note || r.description,
    ]),
  ];
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const render = (l: string[]): string =>
    `| ${l.map((cell, c) => (c === 1 || c === 2 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join(" | ")} |`;
  return [render(lines[0]), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...lines.slice(1).map(render)]
    .join("\n")
    .concat("\n");
}

/** `rnnlm bench`. */
export async function benchCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  const values = parseFlags("bench", argv, BENCH_FLAGS);
  if (values.help) {
    ctx.stdout.write(BENCH_HELP);
    return 0;
  }
  const cell = String(normalizeCell(values.model ?? "lstm"));
  const hidden = (values.nhid as number | undefined) ?? 256;
  const steps = (values.steps as number | undefined) ?? 5;
  const tokens = (values.tokens as number | undefined) ?? 200;
  if (hidden <= 0 || steps < 0 || tokens < 0) {
    throw new UsageError(
      "--nhid must be positive and --steps, --tokens non-negative",
      "write e.g. --nhid 256 --steps 5",
    );
  }
  // Sizes no machine here can hold are refused before allocating (float64: the worst case).
  checkTrainingFits(
    parseModelSpec({ cell, vocabSize: VOCAB, hiddenSize: hidden }),
    { batchSize: BATCH, bptt: STEPS, bytesPerValue: 8 },
    memoryBudget(ctx.env),
  );
  // Refused before the (long) measurements rather than after them.
  if (typeof values.json === "string") await checkOutputFile(values.json, "--json", values.force === true);
  const missing = await registerInstalledBackends();
  const targets =
    typeof values.backend === "string"
      ? values.backend
          .split(",")
          .map((h) => h.trim())
          .filter((h) => h.length > 0)
      : listBackends().flatMap((b) =>
          b.devices
            .filter((d) => Math.max(...Object.values(d.priority).map((p) => p ?? 0), 0) > 0)
            .map((d) => `${b.name}:${d.name}`),
        );
  // A name no backend package has is a typo, not an unavailable device: refuse it (exit 2).
  const known = new Set([
    "auto",
    ...listBackends().map((b) => b.name),
    ...missing.map((m) => m.name.replace(/^@rnnlm\/backend-/, "")),
  ]);
  const unknown = targets.find((target) => !known.has(target.split(":")[0]));
  if (targets.length === 0 || unknown !== undefined) {
    throw new UsageError(
      `--backend ${values.backend} names ${unknown === undefined ? "no backend" : `an unknown backend "${unknown}"`}`,
      `use ${[...known].filter((k) => k !== "auto").join(", ")}, optionally with :device (e.g. onnx:cpu)`,
    );
  }
  ctx.stdout.write(`rnnlm bench: ${cell} hidden ${hidden}, one-hot vocabulary ${VOCAB}, batch ${BATCH}×${STEPS}\n`);
  const rows: BenchRow[] = [];
  for (const target of targets) {
    let runtime: BackendRuntime;
    try {
      runtime = await loadBackend([target], "infer");
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const lines = (cause instanceof Error ? cause.message : String(cause)).split("\n").map((l) => l.trim());
      const reason = (lines.find((l) => l.startsWith(`${target}:`))?.slice(target.length + 1) ?? lines[0]).trim();
      rows.push({
        runtime: target,
        description: "",
        trainTokensPerSecond: null,
        generateTokensPerSecond: null,
        note: `unavailable: ${reason.slice(0, 80)}`,
      });
      continue;
    }
    rows.push(await measure(runtime, cell, hidden, steps, tokens));
  }
  ctx.stdout.write(table(rows));
  if (typeof values.json === "string") {
    await checkOutputFile(values.json, "--json", values.force === true);
    await writeFileAtomic(
      values.json,
      `${JSON.stringify({ cell, hidden, batch: BATCH, steps: STEPS, rows }, null, 2)}\n`,
    );
  }
  return 0;
}
