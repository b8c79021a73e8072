import type { TextGenerator } from "@rnnlm/core";
import type { GenerationRequest } from "./generation-request.js";

/** How a generation went. */
export interface GenerationStats {
  /** Tokens generated (fewer than asked when stopped). */
  readonly tokens: number;
  /** Seconds from the start (prefix warm-up included) to the last token. */
  readonly seconds: number;
  readonly tokensPerSecond: number;
  readonly stopped: boolean;
}

/** Longest stretch of generation between two chances for the page to repaint and take clicks. */
const FRAME_MS = 30;

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Streams `request` through `generator`, handing each decoded token to `onToken`, and stops
 * between two tokens once `signal` is aborted.
 */
export async function runGeneration(
  generator: TextGenerator,
  request: GenerationRequest,
  signal: AbortSignal,
  onToken: (token: string) => void,
): Promise<GenerationStats> {
  const started = performance.now();
  let lastYield = started;
  let tokens = 0;
  for await (const token of generator.stream(request.prefix, request.length, request.sampling)) {
    onToken(token);
    tokens++;
    if (performance.now() - lastYield > FRAME_MS) {
      await nextTask();
      lastYield = performance.now();
    }
    if (signal.aborted) break;
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    tokens,
    seconds,
    tokensPerSecond: tokens / Math.max(seconds, 1e-6),
    stopped: signal.aborted && tokens < request.length,
  };
}
