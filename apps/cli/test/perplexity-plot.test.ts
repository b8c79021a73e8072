import type { EpochRecord } from "@rnnlm/core";
import { describe, expect, it } from "vitest";
import { renderPerplexitySvg } from "../src/perplexity-plot.js";

const record = (epoch: number, train: number, valid: number | null): EpochRecord => ({
  epoch,
  trainLoss: Math.log(train),
  trainPerplexity: train,
  validPerplexity: valid,
  learningRate: 1,
  tokensPerSecond: 1,
  seconds: 1,
});

function points(svg: string, color: string): Array<[number, number]> {
  const match = new RegExp(`<polyline fill="none" stroke="${color}" stroke-width="2" points="([^"]*)"`).exec(svg);
  return (match?.[1] ?? "").split(" ").map((p) => p.split(",").map(Number) as [number, number]);
}

describe("renderPerplexitySvg", () => {
  it("puts perplexities on a log axis: equal ratios are equal heights, epochs equally spaced", () => {
    const svg = renderPerplexitySvg([record(1, 1000, 2000), record(2, 100, 200), record(3, 10, 20)]);
    const train = points(svg, "#1f77b4");
    const valid = points(svg, "#d62728");
    expect(train).toHaveLength(3);
    expect(valid).toHaveLength(3);
    const dy1 = train[1][1] - train[0][1];
    const dy2 = train[2][1] - train[1][1];
    expect(dy1).toBeGreaterThan(0); // lower perplexity is lower on the chart (larger y)
    expect(Math.abs(dy1 - dy2)).toBeLessThan(0.2);
    // valid is 2× train everywhere: a constant offset of log10(2) of the decade height above it
    const decade = dy1;
    for (let i = 0; i < 3; i++) expect(train[i][1] - valid[i][1]).toBeCloseTo(decade * Math.log10(2), 0);
    expect(train[1][0] - train[0][0]).toBeCloseTo(train[2][0] - train[1][0], 5);
  });

  it("omits the valid series when there is no validation, and is well-formed", () => {
    const svg = renderPerplexitySvg([record(1, 20, null)], "a <title> & more");
    expect(svg).not.toContain('stroke="#d62728"');
    expect(svg).toContain("a &#60;title&#62; &#38; more");
    expect(svg.match(/<svg /g)).toHaveLength(1);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
  });
});
