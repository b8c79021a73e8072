// @rnnlm/core's checkpoint encoder, reached through an alias in vite.config.ts.
declare module "virtual:rnnlm-checkpoint-encoding" {
  import type { CheckpointData } from "@rnnlm/core";
  /** The files of a checkpoint folder, data files first and config.json last. */
  export function encodeCheckpoint(
    dir: string,
    data: CheckpointData,
  ): Array<readonly [name: string, bytes: Uint8Array]>;
}
