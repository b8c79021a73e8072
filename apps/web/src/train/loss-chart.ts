/** A point of the loss chart: x in epochs (fractional inside an epoch), y the loss in nats. */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
}

const SVG_NS = "http://www.w3.org/2000/svg";
const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = { left: 44, right: 12, top: 10, bottom: 28 };

function svgElement(name: string, attributes: Record<string, string>, text?: string): SVGElement {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element as SVGElement;
}

/** 1, 2 or 5 × a power of ten, the step for about `count` ticks over `span`. */
function tickStep(span: number, count: number): number {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

/** Draws training (line) and validation (line with dots) loss, axes starting at 0. */
export function drawLossChart(svg: SVGSVGElement, train: readonly ChartPoint[], valid: readonly ChartPoint[]): void {
  const all = [...train, ...valid];
  const maxX = Math.max(1, ...all.map((p) => p.x));
  const maxY = Math.max(0.5, ...all.map((p) => p.y)) * 1.05;
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const sx = (x: number): number => MARGIN.left + (x / maxX) * plotW;
  const sy = (y: number): number => MARGIN.top + plotH - (y / maxY) * plotH;
  const children: SVGElement[] = [];
  const yStep = tickStep(maxY, 5);
  for (let y = 0; y <= maxY; y += yStep) {
    children.push(
      svgElement("line", {
        class: "grid",
        x1: String(MARGIN.left),
        x2: String(WIDTH - MARGIN.right),
        y1: String(sy(y)),
        y2: String(sy(y)),
      }),
      svgElement(
        "text",
        { class: "tick", x: String(MARGIN.left - 6), y: String(sy(y) + 4), "text-anchor": "end" },
        y.toFixed(yStep < 1 ? 1 : 0),
      ),
    );
  }
  const xStep = Math.max(1, tickStep(maxX, 8));
  for (let x = 0; x <= maxX; x += xStep) {
    children.push(
      svgElement(
        "text",
        { class: "tick", x: String(sx(x)), y: String(HEIGHT - 10), "text-anchor": "middle" },
        String(x),
      ),
    );
  }
  children.push(
    svgElement(
      "text",
      { class: "tick", x: String(MARGIN.left - 6), y: String(HEIGHT - 10), "text-anchor": "end" },
      "epoch",
    ),
  );
  const path = (points: readonly ChartPoint[]): string =>
    points.map((p, i) => `${i === 0 ? "M" : "L"}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join("");
  if (train.length > 0) children.push(svgElement("path", { class: "train-line", d: path(train) }));
  if (valid.length > 0) {
    children.push(svgElement("path", { class: "valid-line", d: path(valid) }));
    for (const p of valid) {
      children.push(
        svgElement("circle", { class: "valid-dot", cx: sx(p.x).toFixed(1), cy: sy(p.y).toFixed(1), r: "3" }),
      );
    }
  }
  // The <title> (the chart's text alternative, kept current by the view) stays.
  const title = svg.querySelector("title");
  svg.replaceChildren(...(title === null ? [] : [title]), ...children);
}
