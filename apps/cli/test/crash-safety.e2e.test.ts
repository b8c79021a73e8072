import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tinyTrain } from "./safety-helpers.js";
import { type CliRun, errorLines, spawnCli } from "./spawn-cli.js";

// Issue 19: SIGKILL a training run at random moments (a third of them as soon as the first
// checkpoint's save shows up in last/, i.e. inside the first commit window) and check that
// every command works on the folder afterwards: eval, generate, export and train --resume
// when a checkpoint was saved, train --save (starting over) when none was.

const KILLS = 24;
const PARALLEL = 3;
const seed = Number(process.env.RNNLM_CRASH_SEED ?? Date.now() % 1_000_000);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rnnlm-crash-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** mulberry32: reproducible moments for a given RNNLM_CRASH_SEED. */
function random(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const train = (save: string, epochs: number) => tinyTrain(save, { epochs });

interface Outcome {
  readonly leftovers: string[];
  readonly checkpoint: boolean;
}

/**
 * Starts a run and SIGKILLs it `delayMs` after its first output (the resolved config, printed
 * before training starts), or — delayMs null — as soon as a save shows up in last/.
 */
async function killedRun(name: string, delayMs: number | null): Promise<Outcome> {
  let started = false;
  const last = join(dir, name, "last");
  const result = await spawnCli(train(name, 100_000), {
    cwd: dir,
    onStdout: (_text, child) => {
      if (started) return;
      started = true;
      if (delayMs !== null) {
        setTimeout(() => child.kill("SIGKILL"), delayMs);
        return;
      }
      const poll = async (): Promise<void> => {
        const entries = await readdir(last).catch(() => []);
        if (entries.some((e) => e.startsWith(".rnnlm-"))) child.kill("SIGKILL");
        else if (child.exitCode === null && child.signalCode === null) setImmediate(() => void poll());
      };
      void poll();
    },
  });
  expect(result.code, result.stderr).toBeNull(); // killed, not finished
  const leftovers = (await readdir(last).catch(() => [])).filter((e) => e.startsWith(".rnnlm-"));
  const checkpoint = existsSync(join(last, "config.json")) || existsSync(join(last, ".rnnlm-commit", "config.json"));
  return { leftovers, checkpoint };
}

function expectOk(run: CliRun, what: string): void {
  expect(errorLines(run.stderr), `${what}: ${run.stderr}`).toEqual([]);
  expect(run.code, `${what}: ${run.stderr}`).toBe(0);
}

async function everyCommandWorks(name: string, checkpoint: boolean): Promise<void> {
  const cli = (args: readonly string[]) => spawnCli(args, { cwd: dir });
  if (!checkpoint) {
    expectOk(await cli(train(name, 1)), `train --save ${name} (no checkpoint yet: start over)`);
    return;
  }
  const [evaluated, generated, exported] = await Promise.all([
    cli(["eval", "--checkpoint", name, "--backend", "reference"]),
    cli(["generate", "--checkpoint", name, "--prefix", "the ", "--length", "5", "--backend", "reference"]),
    cli(["export", "--checkpoint", name, "--onnx", `${name}.onnx`]),
  ]);
  expectOk(evaluated, `eval ${name}`);
  expect(evaluated.stdout).toMatch(/ppl \d/);
  expectOk(generated, `generate ${name}`);
  expect(generated.stdout.startsWith("the ")).toBe(true);
  expectOk(exported, `export ${name}`);
  // The run was started for 100000 epochs: resume it, and stop it with Ctrl-C after one.
  let interrupted = false;
  const resumed = await spawnCli(["train", "--resume", name, "--log-interval", "0"], {
    cwd: dir,
    onStdout: (text, child) => {
      if (interrupted || !/resuming[\s\S]*end of epoch/.test(text)) return;
      interrupted = true;
      child.kill("SIGINT");
    },
  });
  expect(errorLines(resumed.stderr), resumed.stderr).toEqual([]);
  expect(resumed.code, resumed.stderr).toBe(130);
}

describe("kill -9 at random moments", () => {
  it(`leaves a folder every command works on (${KILLS} kills, RNNLM_CRASH_SEED=${seed})`, async () => {
    const next = random(seed);
    const plan = Array.from({ length: KILLS }, (_, i) => (i % 3 === 0 ? null : Math.round(next() * 1500)));
    const outcomes: Outcome[] = [];
    let cursor = 0;
    const worker = async (): Promise<void> => {
      while (cursor < plan.length) {
        const i = cursor++;
        const name = `k${i}`;
        const outcome = await killedRun(name, plan[i]);
        await everyCommandWorks(name, outcome.checkpoint);
        outcomes[i] = outcome;
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));
    const inWindow = outcomes.filter((o) => o.leftovers.length > 0).length;
    // The window kills stop the child as soon as the save's first folder appears.
    expect(inWindow).toBeGreaterThan(0);
    console.log(
      `crash-safety: ${KILLS} kills, ${outcomes.filter((o) => o.checkpoint).length} after a checkpoint, ` +
        `${inWindow} inside a save (leftovers ${[...new Set(outcomes.flatMap((o) => o.leftovers.map((l) => l.replace(/-[0-9a-f]+$/, ""))))].join(", ") || "none"})`,
    );
  }, 120_000);
});
