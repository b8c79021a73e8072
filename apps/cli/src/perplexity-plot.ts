import type { EpochRecord } from "@rnnlm/core";

const WIDTH = 640;
const HEIGHT = 400;
const MARGIN = { left: 64, right: 24, top: 36, bottom: 48 };

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function formatTick(value: number): string {
  return value >= 1000 ? value.toExponential(0).replace("e+", "e") : String(Number(value.toPrecision(3)));
}

/** Tick values for a log axis from `lo` to `hi`: 1, 2, 5 × powers of ten inside the range. */
function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) ticks.push(v);
    }
  }
  return ticks.length >= 2 ? ticks : [lo, hi];
}

/**
 * An SVG line chart of train and validation perplexity per epoch, log-scaled y axis,
 * self-contained (no fonts or scripts to load).
 */
export function renderPerplexitySvg(history: readonly EpochRecord[], title = "perplexity"): string {
  const series = [
    { name: "train", color: "#1f77b4", points: history.map((r) => [r.epoch, r.trainPerplexity] as const) },
    {
      name: "valid",
      color: "#d62728",
      points: history
        .filter((r) => r.validPerplexity !== null)
        .map((r) => [r.epoch, r.validPerplexity as number] as const),
    },
  ].filter((s) => s.points.length > 0);
  const values = series.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => Number.isFinite(y) && y > 0);
  const maxEpoch = Math.max(1, ...history.map((r) => r.epoch));
  const lo = values.length > 0 ? Math.min(...values) : 1;
  const hi = values.length > 0 ? Math.max(...values) : 10;
  const yLo = Math.log10(Math.max(lo / 1.1, 1e-3));
  const yHi = Math.max(Math.log10(hi * 1.1), yLo + 0.1);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (epoch: number): number => MARGIN.left + (maxEpoch === 1 ? 0 : ((epoch - 1) / (maxEpoch - 1)) * plotW);
  const y = (value: number): number => MARGIN.top + (1 - (Math.log10(value) - yLo) / (yHi - yLo)) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(title)}</text>`,
  ];
  for (const tick of logTicks(10 ** yLo, 10 ** yHi)) {
    const ty = y(tick).toFixed(1);
    parts.push(
      `<line x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${ty}" y2="${ty}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle">${formatTick(tick)}</text>`,
    );
  }
  const xStep = Math.max(1, Math.ceil(maxEpoch / 10));
  for (let e = 1; e <= maxEpoch; e += xStep) {
    const tx = x(e).toFixed(1);
    parts.push(`<text x="${tx}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">${e}</text>`);
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">epoch</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">perplexity (log scale)</text>`,
  );
  series.forEach((s, i) => {
    const path = s.points
      .filter(([, v]) => Number.isFinite(v) && v > 0)
      .map(([e, v]) => `${x(e).toFixed(1)},${y(v).toFixed(1)}`)
      .join(" ");
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${path}"/>`);
    if (s.points.length === 1) {
      const [e, v] = s.points[0];
      parts.push(`<circle cx="${x(e).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${s.color}"/>`);
    }
    const ly = MARGIN.top + 14 + i * 16;
    const lx = WIDTH - MARGIN.right - 90;
    parts.push(
      `<line x1="${lx}" x2="${lx + 20}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${lx + 26}" y="${ly}" dominant-baseline="middle">${s.name}</text>`,
    );
  });
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
