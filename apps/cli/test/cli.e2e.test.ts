import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorLines, spawnCli } from "./spawn-cli.js";

// End-to-end: the built CLI (`node dist/bin.js`) driven as a user drives it, on the float64
// reference backend (plus tfjs:cpu and ONNX Runtime for generation) with the tiny preset.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rnnlm-cli-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TINY = [
  "train",
  "--config",
  "tiny",
  "--data",
  "timemachine",
  "--backend",
  "reference",
  "--nhid",
  "48",
  "--epochs",
  "2",
];
const cli = (args: readonly string[], env?: Record<string, string>) => spawnCli(args, { cwd: dir, env });

function finalLine(stdout: string): string {
  return stdout.split("\n").find((line) => line.startsWith("| end of training")) ?? "";
}

function perplexities(stdout: string): number[] {
  return [...stdout.matchAll(/ppl (\d+\.\d+)/g)].map((m) => Number(m[1]));
}

describe("train, Ctrl-C, resume, eval, export, generate", () => {
  let uninterrupted = "";

  it("trains the tiny preset, printing the resolved config and one line per epoch", async () => {
    const run = await cli([...TINY, "--save", "full", "--log-interval", "0"]);
    expect(run.stderr).not.toMatch(/rnnlm: error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/--nhid\s+48/);
    expect(run.stdout).toMatch(/--backend\s+reference/);
    expect(run.stdout).toMatch(/\| end of epoch 1 \| time: [\d.]+s \| lr 1\.000 \| train ppl [\d.]+/);
    expect(run.stdout).toMatch(/\| end of epoch 2 \|/);
    uninterrupted = finalLine(run.stdout);
    expect(uninterrupted).toMatch(/train ppl \d/);
    const saved = JSON.parse(await readFile(join(dir, "full/last/config.json"), "utf8"));
    expect(JSON.stringify(saved)).toContain('"nhid":48');
    const svg = await readFile(join(dir, "full/perplexity.svg"), "utf8");
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain("<polyline");
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  });

  it("stops mid-epoch on the first Ctrl-C, saves last/ and exits 130", async () => {
    let sent = false;
    const run = await spawnCli([...TINY, "--save", "run", "--log-interval", "1"], {
      cwd: dir,
      onStdout: (text, child) => {
        if (!sent && /\| epoch {3}2 \| +10\//.test(text)) {
          sent = true;
          child.kill("SIGINT");
        }
      },
    });
    expect(run.code).toBe(130);
    const stopped = /interrupted in epoch 2 after batch (\d+)/.exec(run.stdout);
    expect(stopped).not.toBeNull();
    const batches = Number(/\/ *(\d+) batches/.exec(run.stdout)?.[1]);
    expect(Number(stopped?.[1])).toBeLessThan(batches);
    expect(run.stdout).toContain("resume with: rnnlm train --resume run");
    expect(existsSync(join(dir, "run/last/config.json"))).toBe(true);
  });

  it("resumes the interrupted run and finishes where the uninterrupted run did", async () => {
    const run = await cli(["train", "--resume", "run", "--log-interval", "0"]);
    expect(run.stderr).not.toMatch(/rnnlm: error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/resuming run at epoch 1/);
    expect(finalLine(run.stdout)).toBe(uninterrupted);
  });

  it("evaluates both runs to the same perplexity", async () => {
    const a = await cli(["eval", "--checkpoint", "full", "--backend", "reference"]);
    const b = await cli(["eval", "--checkpoint", "run", "--backend", "reference"]);
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    const [pa] = perplexities(a.stdout);
    const [pb] = perplexities(b.stdout);
    expect(pa).toBeGreaterThan(1);
    expect(pa).toBeLessThan(28);
    expect(Math.abs(pa - pb) / pa).toBeLessThan(1e-4);
    // An inference-only runtime evaluates through forward passes and agrees to fp32 precision.
    const onnx = await cli(["eval", "--checkpoint", "run", "--backend", "onnx:cpu"]);
    expect(onnx.code).toBe(0);
    expect(Math.abs(perplexities(onnx.stdout)[0] - pb) / pb).toBeLessThan(1e-4);
  });

  it("exports to ONNX and generates the same greedy continuation on every runtime", async () => {
    const exported = await cli(["export", "--checkpoint", "run", "--onnx", "run/model.onnx"]);
    expect(exported.code).toBe(0);
    expect(existsSync(join(dir, "run/model.onnx"))).toBe(true);
    const prompt = ["--prefix", "time traveller", "--length", "30"];
    const runs = await Promise.all([
      cli(["generate", "--checkpoint", "run", ...prompt, "--backend", "reference"]),
      cli(["generate", "--checkpoint", "run", ...prompt, "--backend", "tfjs:cpu"]),
      cli(["generate", "--model-file", "run/model.onnx", ...prompt, "--backend", "onnx:cpu"]),
      cli(["generate", "--model-file", "run/model.onnx", ...prompt, "--backend", "onnx:wasm"]),
    ]);
    for (const run of runs) {
      expect(run.stderr).not.toMatch(/rnnlm: error/);
      expect(run.code).toBe(0);
    }
    const texts = runs.map((r) => r.stdout.replace(/\n$/, ""));
    expect(texts[0].startsWith("time traveller")).toBe(true);
    expect(texts[0].length).toBe("time traveller".length + 30);
    expect(new Set(texts).size).toBe(1);
  });

  it("samples reproducibly with --seed, and differently with another seed", async () => {
    const args = ["generate", "--model-file", "run/model.onnx", "--prefix", "the", "--length", "40"];
    const sample = ["--temperature", "1.5", "--top-k", "10", "--backend", "onnx:cpu"];
    const [a, b, c] = await Promise.all([
      cli([...args, ...sample, "--seed", "7"]),
      cli([...args, ...sample, "--seed", "7"]),
      cli([...args, ...sample, "--seed", "8"]),
    ]);
    expect([a.code, b.code, c.code]).toEqual([0, 0, 0]);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).not.toBe(c.stdout);
  });

  it("exits at once on a second Ctrl-C, leaving the last checkpoint loadable", async () => {
    let sent = false;
    const run = await spawnCli(
      [
        "train",
        "--config",
        "tiny",
        "--data",
        "timemachine",
        "--backend",
        "reference",
        "--nhid",
        "48",
        "--epochs",
        "5",
      ].concat(["--save", "twice", "--log-interval", "1"]),
      {
        cwd: dir,
        onStdout: (text, child) => {
          // In epoch 2, 3 or 4, once a checkpoint (written while the next epoch trains) is in last/.
          if (
            !sent &&
            /\| epoch {3}[2-4] \| +\d+\//.test(text) &&
            existsSync(join(dir, "twice", "last", "config.json"))
          ) {
            sent = true;
            child.kill("SIGINT");
            child.kill("SIGINT");
          }
        },
      },
    );
    expect(run.code).toBe(130);
    const evaluated = await cli(["eval", "--checkpoint", "twice", "--backend", "reference"]);
    expect(evaluated.code).toBe(0);
    expect(evaluated.stdout).toMatch(/\(epoch [12]\)/);
  });
});

describe("word-level run with the step schedule, then eval of best/ and last/", () => {
  const ptb = fileURLToPath(new URL("../../../fixtures/ptb", import.meta.url));

  it("decays the lr after --max-epoch epochs and evaluates best/ and last/ on valid and test", async () => {
    const run = await cli([
      ...["train", "--config", "tiny", "--data", ptb, "--level", "word", "--batch-order", "bptt", "--emsize", "16"],
      ...["--nhid", "16", "--max-tokens", "400", "--epochs", "3", "--backend", "reference", "--lr", "0.5"],
      ...["--loss-reduction", "sum-steps", "--schedule", "step", "--max-epoch", "2", "--lr-decay", "0.5"],
      ...["--init", "uniform", "--init-scale", "0.05", "--save", "words", "--log-interval", "0"],
    ]);
    expect(run.stderr).not.toMatch(/rnnlm: error/);
    expect(run.code).toBe(0);
    // tiny's bptt is 8: source lr 0.5 × 8 = 4 on our loss, kept for 2 epochs, then halved.
    expect(run.stdout).toMatch(/--lr\s+0\.5\s+→ effective lr 4 = source lr 0\.5 × bptt 8/);
    expect(run.stdout).toMatch(/--clip\s+1\s+→ effective clip 0\.125 = source clip 1 ÷ bptt 8/);
    expect(run.stdout).toMatch(/init uniform/);
    const lrs = [...run.stdout.matchAll(/\| end of epoch \d \| time: [\d.]+s \| lr ([\d.]+)/g)].map((m) =>
      Number(m[1]),
    );
    expect(lrs).toEqual([4, 4, 2]);

    const both = await cli(["eval", "--checkpoint", "words", "--which", "both", "--backend", "reference"]);
    expect(both.code).toBe(0);
    const headers = [...both.stdout.matchAll(/^checkpoint (\S+) \(epoch (\d)\)/gm)].map((m) => [m[1], m[2]]);
    expect(headers.map(([path]) => path.replace(/\\/g, "/"))).toEqual(["words/best", "words/last"]);
    expect(headers[1][1]).toBe("3");
    expect([...both.stdout.matchAll(/\| (valid|test) ppl/g)].map((m) => m[1])).toEqual([
      "valid",
      "test",
      "valid",
      "test",
    ]);
    const best = await cli(["eval", "--checkpoint", "words", "--backend", "reference"]);
    // The default is best/, and it prints what --which both printed first.
    expect(best.stdout.split("\n").slice(1, 3)).toEqual(both.stdout.split("\n").slice(1, 3));
  });
});

describe("your own text: raw characters, a validation tail, bits per character", () => {
  const play = "KING: Hark!\nQueen, 2 knights ride.\n\nKING: Ride on.\n".repeat(30);

  it("keeps case, punctuation and newlines, validates on the last 10 %, reports loss, ppl and bpc", async () => {
    await writeFile(join(dir, "play.txt"), play.replace(/\n/g, "\r\n"));
    const run = await cli([
      ...["train", "--config", "tiny", "--data", "play.txt", "--valid-fraction", "0.1", "--nhid", "24"],
      ...["--epochs", "2", "--save", "play", "--backend", "reference", "--log-interval", "0"],
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const chars = [...play];
    const train = Math.floor(chars.length * 0.9);
    expect(run.stdout).toContain(
      `data: ${train} train / ${chars.length - train} valid tokens, char-level (text as written)`,
    );
    expect(run.stdout).toContain(`vocabulary ${new Set(chars).size + 1}`);
    expect(run.stdout).toMatch(/\| valid loss (\d\.\d{3}) \| valid ppl [\d.]+ \| valid bpc \d\.\d{3} \*/);
    const [, loss, ppl, bpc] =
      run.stdout.match(/valid loss ([\d.]+) \| valid ppl ([\d.]+) \| valid bpc ([\d.]+)/) ?? [];
    expect(Math.abs(Number(loss) - Math.log(Number(ppl)))).toBeLessThan(2e-3);
    expect(Math.abs(Number(bpc) - Number(loss) / Math.LN2)).toBeLessThan(2e-3);
    expect(existsSync(join(dir, "play/best/config.json"))).toBe(true);
    const svg = await readFile(join(dir, "play/perplexity.svg"), "utf8");
    expect(svg.match(/<polyline/g)).toHaveLength(2);
    expect(svg).toContain(">valid</text>");
    const saved = JSON.parse(await readFile(join(dir, "play/last/config.json"), "utf8"));
    expect(saved.codec.tokenizer).toEqual({ kind: "char", clean: "none", keepNewlines: true });
    const evaluated = await cli(["eval", "--checkpoint", "play", "--backend", "reference"]);
    expect(evaluated.stdout).toMatch(/\| valid loss \d\.\d{4} \| valid ppl \d+\.\d{4} \| valid bpc \d\.\d{4} \|/);
  });

  it("generation streams a prefix's line breaks, and the raw codec travels in the ONNX file", async () => {
    const prompt = ["--prefix", "KING: Hark!\nQueen", "--length", "40"];
    const exported = await cli(["export", "--checkpoint", "play", "--onnx", "play/model.onnx"]);
    expect(exported.code).toBe(0);
    const [run, onnx] = await Promise.all([
      cli(["generate", "--checkpoint", "play", ...prompt, "--backend", "reference"]),
      cli(["generate", "--model-file", "play/model.onnx", ...prompt, "--backend", "onnx:cpu"]),
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout.startsWith("KING: Hark!\nQueen")).toBe(true);
    expect([...run.stdout.replace(/\n$/, "")].length).toBe("KING: Hark!\nQueen".length + 40);
    expect(onnx.stdout).toBe(run.stdout);
  });

  it("bad values of the new flags end in one clear line", async () => {
    const train = ["train", "--data", "play.txt", "--save", "bad"];
    const cases: [string[], RegExp][] = [
      [["--valid-fraction", "1"], /--valid-fraction 1 is invalid/],
      [["--valid-fraction", "-0.2"], /--valid-fraction -0\.2 is invalid/],
      [["--valid-fraction", "x"], /--valid-fraction expects a number/],
      [["--clean", "upper"], /--clean must be one of none, lower, d2l/],
      [["--max-vocab", "1"], /--max-vocab 1 is invalid/],
      [["--min-count", "1.5"], /--min-count expects an integer/],
      [["--data", "ab", "--valid-fraction", "0.1"], /does not exist/],
    ];
    await mkdir(join(dir, "folder"), { recursive: true });
    await writeFile(join(dir, "folder/train.txt"), "a b\n");
    await writeFile(join(dir, "tiny.txt"), "abc\n");
    cases.push(
      [
        ["--data", "folder", "--valid-fraction", "0.1"],
        /--valid-fraction 0\.1 splits one text file, but --data folder is a folder/,
      ],
      [["--data", "tiny.txt", "--valid-fraction", "0.1"], /splits 4 tokens into 3 train and 1 validation tokens/],
    );
    const runs = await Promise.all(cases.map(([args]) => cli([...train, ...args])));
    for (const [i, run] of runs.entries()) expectBadInput(run, cases[i][1]);
  });
});

const expectBadInput = (run: { code: number | null; stderr: string }, pattern: RegExp): void => {
  const lines = errorLines(run.stderr);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(lines[0]).toContain("; ");
  expect(run.code).toBe(2);
};

describe("bad input: one line on stderr, exit 2", () => {
  it("unknown flag", async () => {
    expectBadInput(await cli(["train", "--bogus", "1"]), /unknown flag --bogus/);
  });

  it("wrong type", async () => {
    expectBadInput(
      await cli(["train", "--nhid", "abc", "--data", "timemachine", "--save", "x"]),
      /--nhid expects an integer/,
    );
  });

  it("value out of range", async () => {
    expectBadInput(await cli(["train", "--dropout", "1.5", "--data", "timemachine", "--save", "x"]), /--dropout/);
  });

  it("missing data file", async () => {
    expectBadInput(
      await cli(["train", "--data", "no-such-file.txt", "--save", "x"]),
      /no-such-file\.txt does not exist/,
    );
  });

  it("missing checkpoint", async () => {
    expectBadInput(await cli(["eval", "--checkpoint", "no-such-run"]), /no-such-run does not exist/);
  });

  it("step schedule without --max-epoch", async () => {
    expectBadInput(
      await cli(["train", "--data", "timemachine", "--schedule", "step", "--save", "x"]),
      /--schedule step needs --max-epoch N/,
    );
  });

  it("--init-scale with another init", async () => {
    expectBadInput(
      await cli(["train", "--config", "tiny", "--data", "timemachine", "--init-scale", "0.1", "--save", "x"]),
      /--init-scale applies to init "uniform" only/,
    );
  });

  it("eval --which best of a run without validation data", async () => {
    expectBadInput(await cli(["eval", "--checkpoint", "full", "--which", "best"]), /has no best\/ checkpoint/);
  });

  it("unknown preset", async () => {
    expectBadInput(await cli(["train", "--config", "no-such-preset", "--save", "x"]), /neither a file nor a preset/);
  });

  it("config file with an unknown key", async () => {
    await writeFile(join(dir, "bad.json"), JSON.stringify({ nhid: 8, hidden_units: 3 }));
    expectBadInput(
      await cli(["train", "--config", "bad.json", "--save", "x"]),
      /unknown key\(s\) "hiddenUnits"|hidden_units/,
    );
  });

  it("tied weights without a matching embedding", async () => {
    expectBadInput(
      await cli(["train", "--data", "timemachine", "--tied", "--save", "x", "--backend", "reference"]),
      /--tied/,
    );
  });

  it("a backend that is not installed", async () => {
    expectBadInput(
      await cli(["train", "--config", "tiny", "--data", "timemachine", "--save", "x", "--backend", "nosuch"]),
      /no backend named "nosuch"/,
    );
  });

  it("a backend that cannot train", async () => {
    expectBadInput(
      await cli(["train", "--config", "tiny", "--data", "timemachine", "--save", "x"], { RNNLM_BACKEND: "onnx:cuda" }),
      /no device that can train/,
    );
  });

  it("a checkpoint whose vocabulary does not match the corpus", async () => {
    await writeFile(join(dir, "ab.txt"), "ab ba abba baab\n".repeat(40));
    const trained = await cli([
      "train",
      "--config",
      "tiny",
      "--data",
      "ab.txt",
      "--nhid",
      "4",
      "--epochs",
      "1",
      "--save",
      "ab",
      "--backend",
      "reference",
    ]);
    expect(trained.code).toBe(0);
    expectBadInput(
      await cli(["eval", "--checkpoint", "ab", "--data", "timemachine", "--backend", "reference"]),
      /vocabulary of the checkpoint \(5 tokens\) does not match --data timemachine/,
    );
  });

  it("--greedy with a sampling flag", async () => {
    expectBadInput(
      await cli(["generate", "--checkpoint", "x", "--prefix", "a", "--greedy", "--temperature", "0.5"]),
      /--greedy cannot be combined/,
    );
  });

  it("a fresh run into a folder that holds one", async () => {
    expectBadInput(
      await cli(["train", "--config", "tiny", "--data", "timemachine", "--save", "full"]),
      /--save full already holds a run/,
    );
  });

  it("unknown command", async () => {
    expectBadInput(await cli(["fly"]), /unknown command "fly"/);
  });
});

describe("--help", () => {
  for (const command of ["train", "eval", "generate", "export", "bench", "demo"]) {
    it(`rnnlm ${command} --help`, async () => {
      const run = await cli([command, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: rnnlm ${command}`));
    });
  }
});
