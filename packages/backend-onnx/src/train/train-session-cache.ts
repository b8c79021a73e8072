import type { ModelSpec, TrainingOptions } from "@rnnlm/core";
import type { OrtEngine } from "../runtime/ort-engine.js";
import type { OrtSession, OrtSessionOptions } from "../runtime/ort-types.js";
import type { StoredTensor } from "./decoder-packing.js";
import { buildTrainGraph, type MaskInputs, type TrainGraphMode } from "./train-graph.js";

/** An open session of one training-step graph. */
export interface TrainSession {
  readonly session: OrtSession;
  readonly masks: MaskInputs;
  /** Whether the graph takes the row selection of its ids (see `rowSelection`). */
  readonly rowSelection: boolean;
  /** Whether the step returns the embedding as its updated rows (see `buildTrainGraph`). */
  readonly embeddingRows: boolean;
  readonly nodeCount: number;
  /** Milliseconds spent building the graph and opening the session. */
  readonly createMs: number;
}

/**
 * Sessions per (mode, steps, batch): every shape in a graph is concrete, so each window length
 * gets its own (a word-level epoch's shorter last window, generation's one-token steps). The
 * least recently used session is released beyond `capacity`.
 */
export class TrainSessionCache {
  private readonly sessions = new Map<string, Promise<TrainSession>>();

  constructor(
    private readonly engine: OrtEngine,
    private readonly spec: ModelSpec,
    private readonly training: TrainingOptions,
    private readonly capacity = 16,
    private readonly options: OrtSessionOptions = {},
  ) {}

  get(mode: TrainGraphMode, steps: number, batch: number): Promise<TrainSession> {
    const key = `${mode}:${steps}x${batch}`;
    const known = this.sessions.get(key);
    if (known !== undefined) {
      this.sessions.delete(key);
      this.sessions.set(key, known);
      return known;
    }
    const opening = this.open(mode, steps, batch);
    this.sessions.set(key, opening);
    opening.catch(() => this.sessions.delete(key));
    while (this.sessions.size > this.capacity) {
      const [oldest, pending] = this.sessions.entries().next().value as [string, Promise<TrainSession>];
      this.sessions.delete(oldest);
      void pending.then((s) => this.engine.release(s.session)).catch(() => undefined);
    }
    return opening;
  }

  /**
   * Opens a session (not kept here: the caller releases it) of one graph with `frozen` as its
   * parameters' constant values (see `buildTrainGraph`); its feeds are the rest.
   */
  openFrozen(
    mode: TrainGraphMode,
    steps: number,
    batch: number,
    frozen: ReadonlyMap<string, StoredTensor>,
  ): Promise<TrainSession> {
    return this.open(mode, steps, batch, frozen);
  }

  private async open(
    mode: TrainGraphMode,
    steps: number,
    batch: number,
    frozen?: ReadonlyMap<string, StoredTensor>,
  ): Promise<TrainSession> {
    const started = performance.now();
    const graph = buildTrainGraph(this.spec, this.training, steps, batch, mode, frozen);
    // "basic" (constant folding, redundant nodes): as fast per step as "all" or faster on these
    // graphs, and "all" takes ~6× longer to open a session. Spinning: see `OrtEngine`.
    const session = await this.engine.createSession(graph.bytes, {
      graphOptimizationLevel: "basic",
      extra: { session: { intra_op: { allow_spinning: this.engine.trainingSpins ? "1" : "0" } } },
      ...(graph.externalData.length > 0 ? { externalData: [...graph.externalData] } : {}),
      ...this.options,
    });
    return {
      session,
      masks: graph.masks,
      rowSelection: graph.rowSelection,
      embeddingRows: graph.embeddingRows,
      nodeCount: graph.nodeCount,
      createMs: performance.now() - started,
    };
  }

  /** Releases every session. */
  releaseAll(): void {
    for (const pending of this.sessions.values()) {
      void pending.then((s) => this.engine.release(s.session)).catch(() => undefined);
    }
    this.sessions.clear();
  }
}
