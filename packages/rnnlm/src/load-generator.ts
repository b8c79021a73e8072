import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { loadOnnxModel } from "@rnnlm/backend-onnx";
import { backendHintsFromEnv, RnnlmError, resolveBackend } from "@rnnlm/core";
import { loadCheckpoint } from "@rnnlm/core/node";
import { TextCodec } from "@rnnlm/data";
import { Generator } from "./generator.js";
import { registerInstalledBackends } from "./register-backends.js";

export interface LoadGeneratorOptions {
  /**
   * Backend hints (`"onnx:cpu"`, `"tfjs:wasm"`, `"reference"`, several comma-separated, or
   * `"auto"`); default `RNNLM_BACKEND`, else `"auto"` (the fastest installed one).
   */
  readonly backend?: string;
}

/** Where the checkpoint of a run folder (`rnnlm train --save DIR` writes DIR/last) or of a checkpoint folder is. */
function checkpointDirOf(dir: string): string {
  const last = join(dir, "last");
  return existsSync(last) && statSync(last).isDirectory() ? last : dir;
}

function codecOf(json: unknown, source: string, fix: string): TextCodec {
  if (json === undefined || json === null) {
    throw new RnnlmError("ERR_NO_CODEC", `${source} carries no vocabulary, so its ids cannot become text; ${fix}`);
  }
  return TextCodec.fromJSON(json);
}

/**
 * A ready {@link Generator} for an exported `.onnx` file or a checkpoint folder (a run folder
 * of `rnnlm train --save`, or what `TextModel.save` wrote). Registers the installed backends.
 *
 * ```ts
 * const generator = await loadGenerator("model.onnx");
 * console.log(await generator.generate("the time", { maxTokens: 50 }));
 * ```
 */
export async function loadGenerator(source: string, options: LoadGeneratorOptions = {}): Promise<Generator> {
  await registerInstalledBackends();
  const hints = options.backend ?? backendHintsFromEnv("auto");
  if (!existsSync(source)) {
    throw new RnnlmError(
      "ERR_NOT_FOUND",
      `${source} does not exist; pass an .onnx file or a checkpoint folder (rnnlm train --save DIR, or model.save(DIR))`,
    );
  }
  const runtime = await resolveBackend(hints, { capability: "infer" });
  if (statSync(source).isFile()) {
    const loaded = await loadOnnxModel(source, runtime);
    try {
      const codec = codecOf(loaded.codec, source, "export it with its vocabulary (rnnlm export, or model.exportOnnx)");
      return new Generator(loaded.model, codec, runtime.id);
    } catch (error) {
      loaded.model.dispose();
      throw error;
    }
  }
  const dir = checkpointDirOf(source);
  const checkpoint = await loadCheckpoint(dir);
  const codec = codecOf(checkpoint.codec, dir, "save the checkpoint with its codec (TextCodec.toJSON())");
  const model = await runtime.createModel(checkpoint.spec, { weights: checkpoint.weights });
  return new Generator(model, codec, runtime.id);
}
