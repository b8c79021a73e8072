/** The page's controls and output areas, looked up once by id. */
export interface PageElements {
  readonly shippedModel: HTMLSelectElement;
  readonly modelFile: HTMLInputElement;
  readonly modelSummary: HTMLElement;
  readonly form: HTMLFormElement;
  readonly prefix: HTMLTextAreaElement;
  readonly length: HTMLInputElement;
  readonly greedy: HTMLInputElement;
  readonly temperature: HTMLInputElement;
  readonly topK: HTMLInputElement;
  readonly topP: HTMLInputElement;
  readonly seed: HTMLInputElement;
  readonly device: HTMLSelectElement;
  readonly generate: HTMLButtonElement;
  readonly stop: HTMLButtonElement;
  readonly error: HTMLElement;
  readonly output: HTMLElement;
  readonly outputPrefix: HTMLElement;
  readonly outputGenerated: HTMLElement;
  readonly stats: HTMLElement;
  readonly runtime: HTMLElement;
}

function byId<T extends HTMLElement>(id: string, type: { new (): T; prototype: T }): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`index.html has no <${type.name}> with id "${id}"`);
  return element;
}

export function findPageElements(): PageElements {
  return {
    shippedModel: byId("shipped-model", HTMLSelectElement),
    modelFile: byId("model-file", HTMLInputElement),
    modelSummary: byId("model-summary", HTMLElement),
    form: byId("generate-form", HTMLFormElement),
    prefix: byId("prefix", HTMLTextAreaElement),
    length: byId("length", HTMLInputElement),
    greedy: byId("greedy", HTMLInputElement),
    temperature: byId("temperature", HTMLInputElement),
    topK: byId("top-k", HTMLInputElement),
    topP: byId("top-p", HTMLInputElement),
    seed: byId("seed", HTMLInputElement),
    device: byId("device", HTMLSelectElement),
    generate: byId("generate", HTMLButtonElement),
    stop: byId("stop", HTMLButtonElement),
    error: byId("error", HTMLElement),
    output: byId("output", HTMLElement),
    outputPrefix: byId("output-prefix", HTMLElement),
    outputGenerated: byId("output-generated", HTMLElement),
    stats: byId("stats", HTMLElement),
    runtime: byId("runtime", HTMLElement),
  };
}
