import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectBadInput, tinyTrain } from "./safety-helpers.js";
import { BIN, type CliRun, errorLines, spawnCli } from "./spawn-cli.js";

// Issue 19: no crash, no stack trace, no hang, one clear line. Tiny models, reference backend
// unless a case is about another runtime.

let dir: string;
const cli = (args: readonly string[], env?: Record<string, string>) => spawnCli(args, { cwd: dir, env });
const tiny = (save: string, extra: readonly string[] = []) => tinyTrain(save, {}, extra);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rnnlm-robust-"));
  const run = await cli(tiny("R", ["--epochs", "1"]));
  expect(run.code, run.stderr).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI with stdout going to `stdoutFd` (a file or device) instead of a pipe. */
function cliTo(args: readonly string[], stdoutFd: number): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ["ignore", stdoutFd, "pipe"] });
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: "", stderr }));
  });
}

describe("generate", () => {
  it("reads a 30,000-token prefix on onnx:cpu (fed in chunks: no native stack overflow)", async () => {
    const prefix = "the time traveller ".repeat(1600).slice(0, 30_000);
    const run = await cli([
      "generate",
      "--checkpoint",
      "R",
      "--prefix",
      prefix,
      "--length",
      "5",
      "--backend",
      "onnx:cpu",
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout.length).toBe(30_000 + 5 + 1);
  });

  it("ends quietly with exit 0 when the reader closes the pipe (| head)", async () => {
    const run = await new Promise<CliRun>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [BIN, "generate", "--checkpoint", "R", "--prefix", "the", "--length", "1000000", "--backend", "reference"],
        { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
        stderr += chunk;
      });
      child.stdout.once("data", () => child.stdout.destroy());
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout: "", stderr }));
    });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it.skipIf(!existsSync("/dev/full"))("says in one line that stdout is full (ENOSPC)", async () => {
    const full = await open("/dev/full", "w");
    try {
      const run = await cliTo(["generate", "--checkpoint", "R", "--prefix", "the", "--length", "100000"], full.fd);
      expect(errorLines(run.stderr)).toEqual([expect.stringMatching(/cannot write to stdout \(ENOSPC\)/)]);
      expect(run.stderr).not.toMatch(/\n\s+at /);
      expect(run.code).toBe(1);
    } finally {
      await full.close();
    }
  });

  for (const backend of ["reference", "tfjs:cpu", "tfjs:wasm", "onnx:cpu"]) {
    it(`stops at once on Ctrl-C on ${backend}`, async () => {
      let sent = false;
      const run = await spawnCli(
        ["generate", "--checkpoint", "R", "--prefix", "the", "--length", "1000000", "--backend", backend],
        {
          cwd: dir,
          onStdout: (text, child) => {
            if (!sent && text.length > 100) {
              sent = true;
              child.kill("SIGINT");
            }
          },
        },
      );
      expect(sent).toBe(true);
      expect(run.code).toBe(130);
      // A million tokens would take minutes: the test's timeout is the "at once".
      expect(run.stdout.length).toBeLessThan(1_000_000);
    });
  }

  it("--seed without a sampling flag is an error, not a silently greedy run", async () => {
    expectBadInput(
      await cli(["generate", "--checkpoint", "R", "--prefix", "a", "--seed", "3"]),
      /--seed only changes sampling/,
    );
  });

  it("prints no runtime banner or telemetry warning (tfjs:cpu, onnx:cpu with a read-only HOME)", async () => {
    const args = ["generate", "--checkpoint", "R", "--prefix", "the", "--length", "3"];
    const [tfjs, onnx] = await Promise.all([
      cli([...args, "--backend", "tfjs:cpu"]),
      cli([...args, "--backend", "onnx:cpu"], { HOME: "/proc/no-home" }),
    ]);
    for (const run of [tfjs, onnx]) {
      expect(run.code).toBe(0);
      expect(run.stderr).toBe("");
      expect(run.stdout).not.toMatch(/looks like you are running|telemetry/);
    }
  });
});

describe("training stops and saves on SIGTERM and SIGHUP like on Ctrl-C", () => {
  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGHUP", 129],
  ] as const) {
    it(`${signal}: checkpoint saved, exit ${code}, resumable`, async () => {
      let sent = false;
      const save = `sig-${signal}`;
      const run = await spawnCli(tiny(save, ["--epochs", "100000"]), {
        cwd: dir,
        onStdout: (text, child) => {
          if (!sent && /end of epoch +2 /.test(text)) {
            sent = true;
            child.kill(signal);
          }
        },
      });
      expect(run.code).toBe(code);
      expect(run.stdout).toContain(`stopped: checkpoint saved in ${save}/last`);
      expect(existsSync(join(dir, save, "last/config.json"))).toBe(true);
      expect(existsSync(join(dir, save, ".rnnlm-lock"))).toBe(false);
    });
  }
});

describe("checks before work", () => {
  const budget = { RNNLM_MAX_MEMORY: "2GB" };
  for (const [flag, value, pattern] of [
    ["--nhid", "100000", /the model is too large .* one weight matrix would hold/],
    ["--nhid", "20000", /training needs about \d+ GB of memory .* more than the 2\.0 GB available/],
    ["--nlayers", "1000", /training needs about \d+ GB of memory/],
    ["--bptt", "40000", /training needs about \d+ GB of memory .*bptt 40000/],
  ] as const) {
    it(`${flag} ${value}: refused with the memory it needs, before allocating`, async () => {
      const run = await cli(
        ["train", "--data", "timemachine", "--backend", "reference", flag, value, "--save", `m${value}`],
        budget,
      );
      expectBadInput(run, pattern);
      expect(existsSync(join(dir, `m${value}`))).toBe(false);
    });
  }

  it("bench --nhid 100000: refused before allocating", async () => {
    const run = await cli(
      ["bench", "--backend", "reference", "--nhid", "100000", "--steps", "1", "--tokens", "1"],
      budget,
    );
    expectBadInput(run, /the model is too large/);
    expect(run.stdout).toBe("");
  });

  it.skipIf(!existsSync("/dev/zero"))("a device as corpus (/dev/zero) is refused, not read forever", async () => {
    expectBadInput(
      await cli(["train", "--data", "/dev/zero", "--save", "z"]),
      /--data \/dev\/zero is not a regular file/,
    );
  });

  it("a --save under a file is refused before the first epoch", async () => {
    await writeFile(join(dir, "plain"), "x");
    const run = await cli(tiny("plain/run", ["--epochs", "1"]));
    expectBadInput(run, /cannot create the run folder plain\/run \(ENOTDIR\)/);
    expect(run.stdout).not.toContain("end of epoch");
  });

  it.skipIf(process.getuid?.() === 0)("an unreadable corpus: one line, exit 2", async () => {
    await writeFile(join(dir, "secret.txt"), "text");
    await chmod(join(dir, "secret.txt"), 0o000);
    expectBadInput(await cli(["train", "--data", "secret.txt", "--save", "s"]), /permission denied \(EACCES\)/);
  });

  for (const [flag, value, range] of [
    ["--nhid", "-5", /--nhid -5 is out of range: it takes an integer ≥ 1/],
    ["--lr", "-1", /--lr -1 is out of range: it takes a number > 0/],
    ["--dropout", "1", /--dropout 1 is out of range: it takes a number in \[0, 1\)/],
    ["--epochs", "-2", /--epochs -2 is out of range: it takes an integer ≥ 0/],
  ] as const) {
    it(`${flag} ${value}: the message names the allowed range`, async () => {
      expectBadInput(await cli(["train", "--data", "timemachine", flag, value, "--save", "x"]), range);
    });
  }
});

describe("unclear cases made clear", () => {
  it("export --onnx into a folder or a checkpoint folder: one line, exit 2", async () => {
    expectBadInput(await cli(["export", "--checkpoint", "R", "--onnx", "R/last"]), /inside the checkpoint|is a folder/);
    expectBadInput(await cli(["export", "--checkpoint", "R", "--onnx", "/"]), /--onnx \/ is a folder/);
  });

  it("--epochs 0 says that it wrote nothing", async () => {
    const run = await cli(tiny("e0", ["--epochs", "0"]));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("nothing trained (--epochs 0): no checkpoint written");
    expect(run.stdout).not.toContain("| checkpoints:");
  });

  it("--device alone applies to the automatic choice", async () => {
    const run = await cli(["generate", "--checkpoint", "R", "--prefix", "a", "--length", "2", "--device", "nonsense"]);
    expectBadInput(run, /tfjs:nonsense/);
  });

  it("--backend ,,, is refused", async () => {
    expectBadInput(
      await cli(["generate", "--checkpoint", "R", "--prefix", "a", "--backend", ",,,"]),
      /names no backend/,
    );
  });

  it("bench --backend nope exits 2", async () => {
    expectBadInput(
      await cli(["bench", "--backend", "nope", "--steps", "0", "--tokens", "0"]),
      /unknown backend "nope"/,
    );
  });
});
