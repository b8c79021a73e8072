import { TextGenerator } from "@rnnlm/core";
import { type GenerationFields, parseGenerationRequest } from "./generation-request.js";
import { runGeneration } from "./generation-run.js";
import { type LanguageModel, loadLanguageModel } from "./language-model.js";
import { summarizeModel } from "./model-summary.js";
import { GENERATION_THREADS } from "./ort-web-setup.js";
import type { PageElements } from "./page-elements.js";
import { hasWebGpu, isWebDevice, loadRuntime, type WebDevice } from "./runtime-choice.js";
import { SHIPPED_MODELS, type ShippedModel, shippedModelUrl } from "./shipped-models.js";

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The demo page: loads models, runs generations, shows what ran and how fast. */
export class DemoApp {
  private model: LanguageModel | null = null;
  private device: WebDevice = "wasm";
  private busy = false;
  private running: AbortController | null = null;

  constructor(
    private readonly el: PageElements,
    private readonly threads: number,
  ) {}

  /** Wires the controls and loads the first shipped model. */
  async start(): Promise<void> {
    const { el } = this;
    for (const [index, shipped] of SHIPPED_MODELS.entries()) {
      el.shippedModel.add(new Option(shipped.label, String(index)));
    }
    const webgpu = el.device.querySelector<HTMLOptionElement>('option[value="webgpu"]');
    if (webgpu !== null && !hasWebGpu()) {
      webgpu.disabled = true;
      webgpu.textContent = "onnx:webgpu (this browser has no WebGPU)";
    }
    el.shippedModel.addEventListener("change", () => {
      const shipped = SHIPPED_MODELS[Number(el.shippedModel.value)];
      if (shipped !== undefined) void this.loadShipped(shipped);
    });
    el.modelFile.addEventListener("change", () => {
      const file = el.modelFile.files?.[0];
      if (file !== undefined) void this.loadFile(file);
    });
    el.device.addEventListener("change", () => void this.changeDevice(el.device.value));
    el.greedy.addEventListener("change", () => this.syncSamplingControls());
    el.form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.generate();
    });
    el.stop.addEventListener("click", () => this.running?.abort());
    this.syncSamplingControls();
    this.renderRuntime(null);
    const first = SHIPPED_MODELS[0];
    if (first !== undefined) await this.loadShipped(first);
  }

  private syncSamplingControls(): void {
    const sampling = !this.el.greedy.checked;
    for (const input of [this.el.temperature, this.el.topK, this.el.topP, this.el.seed]) input.disabled = !sampling;
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    const { el } = this;
    el.generate.disabled = busy || this.model === null;
    el.stop.disabled = this.running === null;
    el.shippedModel.disabled = busy;
    el.modelFile.disabled = busy;
    el.device.disabled = busy;
  }

  private showError(message: string): void {
    this.el.error.textContent = message;
    this.el.error.hidden = false;
  }

  private clearError(): void {
    this.el.error.textContent = "";
    this.el.error.hidden = true;
  }

  private async loadShipped(shipped: ShippedModel): Promise<void> {
    await this.loadBytes(shipped.file, async () => {
      const response = await fetch(shippedModelUrl(shipped));
      if (!response.ok) throw new Error(`the server answered ${response.status} ${response.statusText}`);
      return new Uint8Array(await response.arrayBuffer());
    });
  }

  private async loadFile(file: File): Promise<void> {
    await this.loadBytes(file.name, async () => new Uint8Array(await file.arrayBuffer()));
    // Picking the same file again should load it again.
    this.el.modelFile.value = "";
  }

  /** Loads a model file on the current device; on failure the previous model stays in place. */
  private async loadBytes(name: string, read: () => Promise<Uint8Array>): Promise<void> {
    if (this.busy) return;
    this.setBusy(true);
    try {
      const bytes = await read();
      const runtime = await loadRuntime(this.device);
      const next = await loadLanguageModel(name, bytes, runtime);
      this.replaceModel(next);
      this.clearError();
    } catch (error) {
      const keeps = this.model === null ? "" : `\nThe previous model (${this.model.name}) is still loaded.`;
      this.showError(`Could not load “${name}”: ${messageOf(error)}${keeps}`);
    } finally {
      this.setBusy(false);
    }
  }

  private replaceModel(next: LanguageModel): void {
    this.model?.loaded.model.dispose();
    this.model = next;
    this.renderSummary(next);
    this.renderRuntime(next);
  }

  /** Moves the current model to another ONNX Runtime device. */
  private async changeDevice(value: string): Promise<void> {
    if (!isWebDevice(value) || value === this.device || this.busy) return;
    const previous = this.device;
    this.setBusy(true);
    try {
      const runtime = await loadRuntime(value);
      if (this.model !== null) {
        this.replaceModel(await loadLanguageModel(this.model.name, this.model.bytes, runtime));
      }
      this.device = value;
      this.clearError();
    } catch (error) {
      this.el.device.value = previous;
      this.showError(`Could not switch to onnx:${value}: ${messageOf(error)}\nStill running on onnx:${previous}.`);
    } finally {
      this.setBusy(false);
    }
  }

  private fields(): GenerationFields {
    const { el } = this;
    return {
      prefix: el.prefix.value,
      length: el.length.value,
      greedy: el.greedy.checked,
      temperature: el.temperature.value,
      topK: el.topK.value,
      topP: el.topP.value,
      seed: el.seed.value,
    };
  }

  private async generate(): Promise<void> {
    const model = this.model;
    if (model === null || this.busy) return;
    const { el } = this;
    let request: ReturnType<typeof parseGenerationRequest>;
    try {
      request = parseGenerationRequest(this.fields());
    } catch (error) {
      this.showError(messageOf(error));
      return;
    }
    this.clearError();
    const notes: string[] = [];
    const generator = new TextGenerator(model.loaded.model, model.codec, { onWarning: (m) => notes.push(m) });
    const separator = model.codec.separator;
    el.outputPrefix.textContent = model.codec.tokenize(request.prefix).join(separator);
    // One text node that grows: `textContent +=` would copy the whole output on every token.
    const generatedText = document.createTextNode("");
    el.outputGenerated.replaceChildren(generatedText);
    el.output.dataset.state = "running";
    el.stats.textContent = "";
    this.running = new AbortController();
    this.setBusy(true);
    try {
      const stats = await runGeneration(generator, request, this.running.signal, (token) => {
        generatedText.appendData(separator + token);
      });
      el.output.dataset.state = stats.stopped ? "stopped" : "done";
      const how = request.sampling.greedy ? "greedy" : "sampled";
      el.stats.textContent =
        `${stats.stopped ? "Stopped after " : ""}${stats.tokens} tokens (${how}) in ${stats.seconds.toFixed(2)} s · ` +
        `${stats.tokensPerSecond.toFixed(1)} tokens/s${notes.length > 0 ? ` · note: ${notes.join("; ")}` : ""}`;
    } catch (error) {
      el.output.dataset.state = "failed";
      this.showError(`Generation failed: ${messageOf(error)}`);
    } finally {
      generator.dispose();
      this.running = null;
      this.setBusy(false);
    }
  }

  private renderSummary(model: LanguageModel): void {
    const list = this.el.modelSummary;
    list.replaceChildren();
    for (const [label, value] of summarizeModel(model)) {
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.textContent = value;
      if (label === "vocabulary") dd.id = "vocab-size";
      list.append(dt, dd);
    }
  }

  private renderRuntime(model: LanguageModel | null): void {
    const isolation = globalThis.crossOriginIsolated
      ? `Cross-origin isolated: yes, training on up to ${this.threads} WASM thread(s), generation on ${GENERATION_THREADS}`
      : "Cross-origin isolated: no (serve with COOP/COEP headers for multi-threaded WASM), 1 WASM thread";
    this.el.runtime.textContent =
      model === null ? isolation : `Ran on ${model.runtime.id} — ${model.runtime.description}. ${isolation}.`;
  }
}
