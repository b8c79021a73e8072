import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBadInput, snapshot, tinyTrain } from "./safety-helpers.js";
import { spawnCli } from "./spawn-cli.js";

// Data-loss cases of issue 19: nothing the user did not ask to replace is ever changed. Each
// case checks the exit code, the one error line, and that the other run or file is
// byte-identical afterwards. Tiny models on the float64 reference backend keep it fast.

let dir: string;
const cli = (args: readonly string[], env?: Record<string, string>) => spawnCli(args, { cwd: dir, env });
const tiny = (save: string, extra: readonly string[] = []) => tinyTrain(save, { epochs: 1 }, extra);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rnnlm-safety-"));
  // Two different runs: A (seed 1) and B (seed 2, a GRU), plus a corpus file.
  const [a, b] = await Promise.all([
    cli(tiny("A", ["--seed", "1"])),
    cli(tiny("B", ["--seed", "2", "--model", "gru", "--epochs", "2"])),
  ]);
  expect(a.code, a.stderr).toBe(0);
  expect(b.code, b.stderr).toBe(0);
  await writeFile(join(dir, "corpus.txt"), "the time traveller smiled\n");
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("demo never deletes a run it did not write", () => {
  it("--config typo: exit 2 before touching the folder", async () => {
    const before = await snapshot(join(dir, "A"));
    expectBadInput(await cli(["demo", "--save", "A", "--config", "typo", "--force"]), /typo/);
    expect(await snapshot(join(dir, "A"))).toEqual(before);
  });

  it("--backend nonsense: exit 2 before touching the folder", async () => {
    const before = await snapshot(join(dir, "A"));
    expectBadInput(await cli(["demo", "--save", "A", "--backend", "nonsense", "--force"]), /nonsense/);
    expect(await snapshot(join(dir, "A"))).toEqual(before);
  });

  it("a valid demo into a run it did not write needs --force", async () => {
    const before = await snapshot(join(dir, "A"));
    expectBadInput(
      await cli(["demo", "--save", "A", "--epochs", "1"]),
      /holds a run that rnnlm demo did not write.*--force/,
    );
    expect(await snapshot(join(dir, "A"))).toEqual(before);
  });
});

describe("train --resume A --save B never writes into another run", () => {
  it("refuses when B holds a run, leaving A and B byte-identical", async () => {
    const [a, b] = [await snapshot(join(dir, "A")), await snapshot(join(dir, "B"))];
    expectBadInput(
      await cli(["train", "--resume", "A", "--save", "B", "--epochs", "2"]),
      /--save B: B already holds another run/,
    );
    expect(await snapshot(join(dir, "A"))).toEqual(a);
    expect(await snapshot(join(dir, "B"))).toEqual(b);
  });

  it("continues A's run in an empty folder, leaving A byte-identical", async () => {
    const a = await snapshot(join(dir, "A"));
    const run = await cli(["train", "--resume", "A", "--save", "A2", "--epochs", "2", "--log-interval", "0"]);
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(dir, "A2/last/config.json"))).toBe(true);
    expect(await snapshot(join(dir, "A"))).toEqual(a);
  });
});

describe("export --onnx and bench --json never overwrite silently", () => {
  it("refuses a path inside a checkpoint folder, even with --force", async () => {
    const a = await snapshot(join(dir, "A"));
    const target = "A/last/config.json";
    expectBadInput(
      await cli(["export", "--checkpoint", "A", "--onnx", target, "--force"]),
      /inside the checkpoint folder A\/last/,
    );
    expectBadInput(await cli(["export", "--checkpoint", "A", "--onnx", "A/last/new.onnx"]), /inside the checkpoint/);
    expect(await snapshot(join(dir, "A"))).toEqual(a);
  });

  it("refuses an existing file unless --force", async () => {
    const corpus = await snapshot(join(dir, "corpus.txt"));
    expectBadInput(
      await cli(["export", "--checkpoint", "A", "--onnx", "corpus.txt"]),
      /--onnx corpus.txt already exists.*--force/,
    );
    expect(await snapshot(join(dir, "corpus.txt"))).toEqual(corpus);
    expect((await cli(["export", "--checkpoint", "A", "--onnx", "a.onnx"])).code).toBe(0);
    const exported = await snapshot(join(dir, "a.onnx"));
    expectBadInput(await cli(["export", "--checkpoint", "B", "--onnx", "a.onnx"]), /already exists/);
    expect(await snapshot(join(dir, "a.onnx"))).toEqual(exported);
    expect((await cli(["export", "--checkpoint", "B", "--onnx", "a.onnx", "--force"])).code).toBe(0);
    expect(await snapshot(join(dir, "a.onnx"))).not.toEqual(exported);
  });

  it("refuses a folder and a device, even with --force, and leaves no temporary file", async () => {
    await mkdir(join(dir, "out"), { recursive: true });
    expectBadInput(await cli(["export", "--checkpoint", "A", "--onnx", "out", "--force"]), /--onnx out is a folder/);
    expectBadInput(await cli(["export", "--checkpoint", "A", "--onnx", "A/last"]), /inside|is a folder/);
    expectBadInput(await cli(["export", "--checkpoint", "A", "--onnx", "/dev/null", "--force"]), /not a regular file/);
    expect(await readdir(join(dir, "out"))).toEqual([]);
    expect((await readdir(dir)).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("bench --json refuses an existing file before measuring", async () => {
    const corpus = await snapshot(join(dir, "corpus.txt"));
    const run = await cli(["bench", "--backend", "reference", "--steps", "0", "--tokens", "0", "--json", "corpus.txt"]);
    expectBadInput(run, /--json corpus.txt already exists/);
    expect(run.stdout).toBe("");
    expect(await snapshot(join(dir, "corpus.txt"))).toEqual(corpus);
  });
});

describe("one writer per run folder", () => {
  it("a second training into a folder in use is refused; a killed owner's lock is taken over", async () => {
    // Each check runs while the owner is stopped (SIGSTOP): it keeps its lock but cannot
    // change the folder meanwhile, so the folder must be byte-identical around the check.
    const whileStopped = async (check: () => Promise<void>): Promise<void> => {
      const before = await snapshot(join(dir, "L"));
      await check();
      expect(await snapshot(join(dir, "L"))).toEqual(before);
    };
    let sawSaving: () => void = () => undefined;
    let sawEpoch2: () => void = () => undefined;
    const saving = new Promise<void>((resolve) => {
      sawSaving = resolve;
    });
    const epoch2 = new Promise<void>((resolve) => {
      sawEpoch2 = resolve;
    });
    const owner: { child?: ChildProcess } = {};
    const running = spawnCli(tiny("L", ["--epochs", "100000"]), {
      cwd: dir,
      onStdout: (text, child) => {
        owner.child = child;
        if (text.includes("saving to:")) sawSaving();
        if (/end of epoch +2 /.test(text)) sawEpoch2(); // epoch 1 is being saved by then
      },
    });
    try {
      // Before anything is saved: a second fresh training.
      await saving;
      owner.child?.kill("SIGSTOP");
      await whileStopped(async () => {
        expectBadInput(await cli(tiny("L", ["--epochs", "1"])), /the run folder L is in use by rnnlm train \(pid \d+/);
      });
      owner.child?.kill("SIGCONT");
      // After a checkpoint: a resume. Checkpoints are written while the next epoch trains, so
      // epoch 1's is on disk once epoch 2 has ended and last/ shows it.
      await epoch2;
      while (!existsSync(join(dir, "L", "last", "config.json"))) await new Promise((r) => setTimeout(r, 5));
      owner.child?.kill("SIGSTOP");
      await whileStopped(async () => {
        expectBadInput(await cli(["train", "--resume", "L"]), /the run folder L is in use by rnnlm train/);
      });
    } finally {
      owner.child?.kill("SIGKILL");
    }
    const first = await running;
    expect(first.code).toBeNull(); // killed
    expect(existsSync(join(dir, "L/.rnnlm-lock"))).toBe(true); // stale: its process is gone
    // The run goes on for 100000 epochs: stop the resumed one with Ctrl-C after one epoch.
    let interrupted = false;
    const resumed = await spawnCli(["train", "--resume", "L", "--log-interval", "0"], {
      cwd: dir,
      onStdout: (text, child) => {
        if (interrupted || !/resuming L[\s\S]*end of epoch/.test(text)) return;
        interrupted = true;
        child.kill("SIGINT");
      },
    });
    expect(resumed.stderr).not.toMatch(/rnnlm: error/);
    expect(resumed.code).toBe(130);
    expect(existsSync(join(dir, "L/.rnnlm-lock"))).toBe(false);
  });
});

describe("a crash in the first commit window is repaired by the next command", () => {
  it("a committed but unmoved first checkpoint: eval, resume and train --save all see it", async () => {
    const r = await cli(tiny("C"));
    expect(r.code).toBe(0);
    // The state kill -9 leaves between the commit rename and the first move into place.
    const commit = join(dir, "C/last/.rnnlm-commit");
    await mkdir(commit);
    for (const name of await readdir(join(dir, "C/last"))) {
      if (!name.startsWith(".")) await rename(join(dir, "C/last", name), join(commit, name));
    }
    expectBadInput(await cli(tiny("C")), /--save C already holds a run/);
    const evaluated = await cli(["eval", "--checkpoint", "C", "--backend", "reference"]);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect((await readdir(join(dir, "C/last"))).sort()).toEqual([
      "config.json",
      "model.safetensors",
      "optimizer.safetensors",
      "trainer.json",
    ]);
    const resumed = await cli(["train", "--resume", "C", "--epochs", "2", "--log-interval", "0"]);
    expect(resumed.code, resumed.stderr).toBe(0);
  });

  it("a first save that never committed leaves a folder train --save starts over in", async () => {
    await mkdir(join(dir, "D/last/.rnnlm-staging-0123456789abcdef"), { recursive: true });
    await writeFile(join(dir, "D/last/.rnnlm-staging-0123456789abcdef/model.safetensors"), "partial");
    expectBadInput(await cli(["eval", "--checkpoint", "D", "--backend", "reference"]), /holds no checkpoint/);
    const run = await cli(tiny("D"));
    expect(run.code, run.stderr).toBe(0);
    expect((await readdir(join(dir, "D/last"))).some((name) => name.startsWith("."))).toBe(false);
  });
});
