// Messages between the Train view (page) and the training worker.
import type { TextCleaning } from "@rnnlm/data";
import type { TrainPresetId } from "./train-presets.js";

/** Where the worker trains: "auto" tries onnx:webgpu first and falls back to onnx:wasm. */
export type TrainDevice = "auto" | "wasm";

export interface TrainRequest {
  readonly text: string;
  readonly clean: TextCleaning;
  readonly preset: TrainPresetId;
  readonly epochs: number;
  readonly device: TrainDevice;
}

export interface GenerateRequest {
  readonly prefix: string;
  readonly length: number;
  /** Null: greedy (argmax). */
  readonly temperature: number | null;
  readonly seed: number;
}

export type PageToWorker =
  | { readonly type: "init"; readonly wasmPaths: string; readonly threads: number }
  | { readonly type: "start"; readonly request: TrainRequest }
  | { readonly type: "pause" }
  | { readonly type: "resume" }
  | { readonly type: "stop" }
  | { readonly type: "generate"; readonly id: number; readonly request: GenerateRequest }
  | { readonly type: "export"; readonly id: number; readonly kind: ExportKind };

/** What a download holds: the model as `.onnx`, or the run as a `.tar` the CLI can `--resume`. */
export type ExportKind = "onnx" | "checkpoint";

/** One candidate of the next-token distribution. */
export interface Candidate {
  readonly token: string;
  readonly probability: number;
}

export type RunState = "running" | "paused" | "stopped" | "finished" | "failed";

export interface RunInfo {
  /** e.g. "onnx:wasm". */
  readonly runtime: string;
  readonly description: string;
  /** Why the preferred device was not used, or null. */
  readonly fallback: string | null;
  readonly parameters: number;
  readonly vocabSize: number;
  readonly trainTokens: number;
  readonly validTokens: number;
  readonly batchesPerEpoch: number;
  readonly tokensPerStep: number;
}

export type WorkerToPage =
  | { readonly type: "started"; readonly info: RunInfo }
  | {
      readonly type: "step";
      readonly epoch: number;
      readonly batch: number;
      readonly batches: number;
      readonly loss: number;
      /** Tokens per second of training steps alone (pauses and generation excluded). */
      readonly tokensPerSecond: number;
    }
  | {
      readonly type: "epoch";
      readonly epoch: number;
      readonly trainLoss: number;
      readonly validLoss: number | null;
      readonly learningRate: number;
      readonly sample: string;
    }
  | { readonly type: "state"; readonly state: RunState; readonly message?: string }
  | { readonly type: "token"; readonly id: number; readonly token: string; readonly next: readonly Candidate[] }
  | { readonly type: "generated"; readonly id: number; readonly text: string; readonly next: readonly Candidate[] }
  | { readonly type: "exported"; readonly id: number; readonly kind: ExportKind; readonly bytes: Uint8Array }
  | { readonly type: "error"; readonly id: number | null; readonly message: string };
