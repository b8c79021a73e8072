/**
 * `@rnnlm/core/node`: checkpoint folders on disk. Node-only (node:fs, node:crypto), kept
 * out of the main entry so `@rnnlm/core` stays browser-safe.
 */
export * from "../checkpoint/checkpoint-layout.js";
export type { CheckpointManifest } from "../checkpoint/checkpoint-manifest.js";
export type { FileDigest } from "../checkpoint/file-digest.js";
export { recoverCheckpoint } from "./checkpoint-commit.js";
export { loadCheckpoint } from "./load-checkpoint.js";
export { saveCheckpoint } from "./save-checkpoint.js";
export { writeFileAtomic } from "./write-file-atomic.js";
