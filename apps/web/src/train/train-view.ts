import { type ChartPoint, drawLossChart } from "./loss-chart.js";
import { isTrainPresetId, TRAIN_PRESET_IDS, TRAIN_PRESETS } from "./train-presets.js";
import type {
  Candidate,
  ExportKind,
  PageToWorker,
  RunInfo,
  RunState,
  TrainDevice,
  WorkerToPage,
} from "./train-protocol.js";
import { isCleaning } from "./training-corpus.js";

function byId<T extends Element>(id: string, type: { new (): T; prototype: T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html has no <${type.name}> with id "${id}"`);
  return element;
}

/** Shows a token so that whitespace is visible in the candidates list. */
function visibleToken(token: string): string {
  if (token === " ") return "␣ (space)";
  if (token === "\n") return "↵ (line break)";
  if (token === "\t") return "⇥ (tab)";
  return token;
}

function formatRate(tokensPerSecond: number): string {
  return tokensPerSecond >= 10_000 ? `${(tokensPerSecond / 1000).toFixed(1)}k` : tokensPerSecond.toFixed(0);
}

/** Training-loss points the chart keeps (an hour at 20 reports/s would be 72,000). */
const MAX_CHART_POINTS = 2000;

function halved(points: readonly ChartPoint[]): ChartPoint[] {
  const out: ChartPoint[] = [];
  for (let i = 0; i + 1 < points.length; i += 2) {
    out.push({ x: (points[i].x + points[i + 1].x) / 2, y: (points[i].y + points[i + 1].y) / 2 });
  }
  if (points.length % 2 === 1) out.push(points[points.length - 1]);
  return out;
}

/**
 * The Train view: sends the text and settings to the training worker, draws what it reports,
 * and asks it for generations and exports. Nothing heavy runs on the page's thread.
 */
export class TrainView {
  private readonly el = {
    text: byId("train-text", HTMLTextAreaElement),
    textCount: byId("train-text-count", HTMLElement),
    file: byId("train-file", HTMLInputElement),
    clean: byId("train-clean", HTMLSelectElement),
    preset: byId("train-preset", HTMLSelectElement),
    epochs: byId("train-epochs", HTMLInputElement),
    device: byId("train-device", HTMLSelectElement),
    start: byId("train-start", HTMLButtonElement),
    pause: byId("train-pause", HTMLButtonElement),
    stop: byId("train-stop", HTMLButtonElement),
    downloadOnnx: byId("train-download-onnx", HTMLButtonElement),
    downloadRun: byId("train-download-run", HTMLButtonElement),
    status: byId("train-status", HTMLElement),
    runtime: byId("train-runtime", HTMLElement),
    chart: byId("train-chart", SVGSVGElement),
    stats: byId("train-stats", HTMLElement),
    sample: byId("train-sample", HTMLElement),
    generateForm: byId("train-generate-form", HTMLFormElement),
    prefix: byId("train-prefix", HTMLInputElement),
    length: byId("train-length", HTMLInputElement),
    greedy: byId("train-greedy", HTMLInputElement),
    temperature: byId("train-temperature", HTMLInputElement),
    generate: byId("train-generate", HTMLButtonElement),
    output: byId("train-output", HTMLElement),
    next: byId("train-next", HTMLOListElement),
  };
  private worker: Worker | null = null;
  private state: RunState | "idle" | "starting" = "idle";
  private info: RunInfo | null = null;
  private trainPoints: ChartPoint[] = [];
  private validPoints: ChartPoint[] = [];
  private nextRequest = 1;
  private generating: number | null = null;
  private exporting: number | null = null;
  private redrawQueued = false;

  constructor(
    private readonly wasmPaths: string,
    private readonly threads: number,
  ) {}

  start(): void {
    const { el } = this;
    for (const id of TRAIN_PRESET_IDS) el.preset.add(new Option(TRAIN_PRESETS[id].label, id));
    el.text.addEventListener("input", () => this.countText());
    el.file.addEventListener("change", () => void this.readFile());
    el.start.addEventListener("click", () => this.startTraining());
    el.pause.addEventListener("click", () => this.send({ type: this.state === "paused" ? "resume" : "pause" }));
    el.stop.addEventListener("click", () => this.send({ type: "stop" }));
    el.downloadOnnx.addEventListener("click", () => this.requestExport("onnx"));
    el.downloadRun.addEventListener("click", () => this.requestExport("checkpoint"));
    el.greedy.addEventListener("change", () => {
      el.temperature.disabled = el.greedy.checked;
    });
    el.generateForm.addEventListener("submit", (event) => {
      event.preventDefault();
      this.requestGeneration();
    });
    this.countText();
    drawLossChart(el.chart, [], []);
    this.sync();
  }

  private countText(): void {
    const count = this.el.text.value.length;
    this.el.textCount.textContent = `${count.toLocaleString("en")} characters`;
  }

  private async readFile(): Promise<void> {
    const file = this.el.file.files?.[0];
    if (file === undefined) return;
    try {
      this.el.text.value = await file.text();
      this.countText();
      this.setStatus(`Read “${file.name}”.`);
    } catch (error) {
      this.setStatus(`Could not read “${file.name}”: ${error instanceof Error ? error.message : String(error)}`);
    }
    this.el.file.value = "";
  }

  private ensureWorker(): Worker {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(new URL("./train-worker.ts", import.meta.url), { type: "module", name: "rnnlm-train" });
    worker.addEventListener("message", (event: MessageEvent<WorkerToPage>) => this.receive(event.data));
    worker.addEventListener("error", (event) => {
      this.state = "failed";
      this.setStatus(`The training worker failed: ${event.message || "it could not start"}`);
      this.sync();
    });
    this.worker = worker;
    this.send({ type: "init", wasmPaths: this.wasmPaths, threads: this.threads });
    return worker;
  }

  private send(message: PageToWorker): void {
    this.ensureWorker().postMessage(message);
  }

  private setStatus(text: string): void {
    this.el.status.textContent = text;
  }

  private startTraining(): void {
    const { el } = this;
    const epochs = Number(el.epochs.value);
    if (!Number.isInteger(epochs) || epochs < 1) {
      this.setStatus(`Epochs must be a whole number ≥ 1, got “${el.epochs.value}”: fix the Epochs field.`);
      return;
    }
    const text = el.text.value;
    if (text.length === 0) {
      this.setStatus("There is no text yet: paste one into the Text box or pick a text file.");
      return;
    }
    const preset = el.preset.value;
    const clean = el.clean.value;
    if (!isTrainPresetId(preset) || !isCleaning(clean)) return;
    const device: TrainDevice = el.device.value === "wasm" ? "wasm" : "auto";
    this.trainPoints = [];
    this.validPoints = [];
    this.info = null;
    drawLossChart(el.chart, [], []);
    el.sample.textContent = "";
    el.stats.textContent = "";
    el.runtime.textContent = "";
    this.state = "starting";
    this.setStatus("Starting: building the vocabulary and the training graphs…");
    this.sync();
    this.send({ type: "start", request: { text, clean, preset, epochs, device } });
  }

  private requestGeneration(): void {
    const { el } = this;
    const length = Number(el.length.value);
    const temperature = Number(el.temperature.value);
    if (!Number.isInteger(length) || length < 1 || length > 2000) {
      el.output.textContent = `Length must be a whole number from 1 to 2000, got “${el.length.value}”.`;
      return;
    }
    if (!el.greedy.checked && !(temperature > 0)) {
      el.output.textContent = `Temperature must be > 0, got “${el.temperature.value}”.`;
      return;
    }
    const id = this.nextRequest++;
    this.generating = id;
    el.output.textContent = el.prefix.value;
    el.output.dataset.state = "running";
    el.next.replaceChildren();
    this.sync();
    this.send({
      type: "generate",
      id,
      request: {
        prefix: el.prefix.value,
        length,
        temperature: el.greedy.checked ? null : temperature,
        seed: 42,
      },
    });
  }

  private requestExport(kind: ExportKind): void {
    const id = this.nextRequest++;
    this.exporting = id;
    this.sync();
    this.send({ type: "export", id, kind });
  }

  private receive(message: WorkerToPage): void {
    const { el } = this;
    switch (message.type) {
      case "started": {
        const { info } = message;
        this.info = info;
        el.runtime.textContent =
          `Training on ${info.runtime} — ${info.description}.` +
          (info.fallback === null ? "" : ` Not on WebGPU: ${info.fallback}.`) +
          ` ${info.parameters.toLocaleString("en")} parameters, ${info.vocabSize} characters in the vocabulary, ` +
          `${info.trainTokens.toLocaleString("en")} training and ${info.validTokens.toLocaleString("en")} validation characters, ` +
          `${info.batchesPerEpoch} batches of ${info.tokensPerStep} per epoch.`;
        return;
      }
      case "state":
        this.state = message.state;
        el.status.dataset.state = message.state;
        this.setStatus(
          message.state === "running"
            ? "Training…"
            : message.state === "paused"
              ? "Paused."
              : message.state === "stopped"
                ? "Stopped. Generate from the model or download it."
                : message.state === "finished"
                  ? "Finished. Generate from the model or download it."
                  : `Training failed: ${message.message ?? "unknown error"}`,
        );
        this.sync();
        return;
      case "step": {
        const x = message.epoch - 1 + message.batch / message.batches;
        this.trainPoints.push({ x, y: message.loss });
        // Long runs: halve the points by averaging neighbours, so a redraw stays cheap.
        if (this.trainPoints.length > MAX_CHART_POINTS) this.trainPoints = halved(this.trainPoints);
        el.stats.textContent =
          `epoch ${message.epoch}, batch ${message.batch}/${message.batches} · loss ${message.loss.toFixed(3)} · ` +
          `perplexity ${Math.exp(message.loss).toFixed(2)} · ${formatRate(message.tokensPerSecond)} tokens/s`;
        el.stats.dataset.tokensPerSecond = String(message.tokensPerSecond);
        this.queueRedraw();
        return;
      }
      case "epoch": {
        if (message.validLoss !== null) this.validPoints.push({ x: message.epoch, y: message.validLoss });
        const valid =
          message.validLoss === null
            ? "no validation tail"
            : `validation perplexity ${Math.exp(message.validLoss).toFixed(2)} (${(message.validLoss / Math.LN2).toFixed(3)} bits/char)`;
        el.sample.textContent = `Epoch ${message.epoch} (train perplexity ${Math.exp(message.trainLoss).toFixed(2)}, ${valid}):\n${message.sample}`;
        el.sample.dataset.epoch = String(message.epoch);
        el.sample.dataset.trainLoss = String(message.trainLoss);
        if (message.epoch === 1) el.sample.dataset.firstTrainLoss = String(message.trainLoss);
        this.setChartTitle(
          `Loss chart: epoch ${message.epoch}, training loss ${message.trainLoss.toFixed(3)}${message.validLoss === null ? "" : `, validation loss ${message.validLoss.toFixed(3)}`}`,
        );
        this.queueRedraw();
        return;
      }
      case "token":
        if (message.id !== this.generating) return;
        el.output.textContent += message.token;
        this.showCandidates(message.next);
        return;
      case "generated":
        if (message.id !== this.generating) return;
        el.output.textContent = message.text;
        el.output.dataset.state = "done";
        this.showCandidates(message.next);
        this.generating = null;
        this.sync();
        return;
      case "exported":
        if (message.id !== this.exporting) return;
        this.exporting = null;
        if (message.kind === "onnx") this.download(message.bytes, "rnnlm-web-model.onnx", "application/octet-stream");
        else this.download(message.bytes, "rnnlm-web-run.tar", "application/x-tar");
        this.sync();
        return;
      case "error":
        if (message.id !== null && message.id === this.generating) {
          this.generating = null;
          el.output.dataset.state = "failed";
          el.output.textContent = `Generation failed: ${message.message}`;
        } else if (message.id !== null && message.id === this.exporting) {
          this.exporting = null;
          this.setStatus(`Download failed: ${message.message}`);
        } else {
          this.setStatus(message.message);
        }
        this.sync();
        return;
    }
  }

  private setChartTitle(text: string): void {
    const title = this.el.chart.querySelector("title");
    if (title !== null) title.textContent = text;
  }

  private queueRedraw(): void {
    if (this.redrawQueued) return;
    this.redrawQueued = true;
    requestAnimationFrame(() => {
      this.redrawQueued = false;
      drawLossChart(this.el.chart, this.trainPoints, this.validPoints);
    });
  }

  private showCandidates(candidates: readonly Candidate[]): void {
    const items = candidates.map((candidate) => {
      const item = document.createElement("li");
      const label = document.createElement("span");
      label.className = "token";
      label.textContent = visibleToken(candidate.token);
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.style.width = `${(candidate.probability * 100).toFixed(1)}%`;
      const value = document.createElement("span");
      value.className = "probability";
      value.textContent = `${(candidate.probability * 100).toFixed(1)}%`;
      item.append(label, bar, value);
      return item;
    });
    this.el.next.replaceChildren(...items);
  }

  private download(bytes: Uint8Array, name: string, type: string): void {
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
    const link = document.createElement("a");
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  /** Enables the controls that make sense in the current state. */
  private sync(): void {
    const { el } = this;
    const active = this.state === "running" || this.state === "paused" || this.state === "starting";
    const hasModel = this.info !== null && this.state !== "failed";
    el.start.disabled = active;
    for (const input of [el.text, el.file, el.clean, el.preset, el.epochs, el.device]) input.disabled = active;
    el.pause.disabled = !(this.state === "running" || this.state === "paused");
    el.pause.textContent = this.state === "paused" ? "Resume" : "Pause";
    el.pause.setAttribute("aria-pressed", String(this.state === "paused"));
    el.stop.disabled = !(this.state === "running" || this.state === "paused");
    el.generate.disabled = !hasModel || this.generating !== null;
    el.downloadOnnx.disabled = !hasModel || this.exporting !== null;
    el.downloadRun.disabled = !hasModel || this.exporting !== null;
  }
}
