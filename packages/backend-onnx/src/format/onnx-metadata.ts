import { type ModelSpec, parseModelSpec, RnnlmError } from "@rnnlm/core";
import { isJsonObject, type JsonObject } from "./json-value.js";
import { OnnxFileError } from "./onnx-file-error.js";

/**
 * `metadata_props` keys an exported file carries. Everything else in `metadata_props` is
 * the caller's own metadata (keys starting with `rnnlm.` are reserved).
 */
export const METADATA_KEYS = {
  /** Always `rnnlm-onnx`: marks the file as an rnnlm model. */
  format: "rnnlm.format",
  /** Version of this layout (inputs, outputs, initializer names): currently `1`. */
  formatVersion: "rnnlm.format_version",
  /** The model spec as JSON (core `ModelSpec`, every default filled in). */
  spec: "rnnlm.spec",
  /** The vocabulary / codec description the caller passed, as JSON, or absent. */
  codec: "rnnlm.codec",
} as const;

export const METADATA_FORMAT = "rnnlm-onnx";
export const METADATA_FORMAT_VERSION = 1;
const RESERVED_PREFIX = "rnnlm.";

/** What an exported file says about itself. */
export interface OnnxMetadata {
  readonly formatVersion: number;
  readonly spec: ModelSpec;
  /** The vocabulary / codec description given at export, or `null` when none was. */
  readonly codec: JsonObject | null;
  /** The caller's own metadata (every `metadata_props` entry outside `rnnlm.*`). */
  readonly metadata: Readonly<Record<string, string>>;
  /** `producer_name` and `producer_version` of the file. */
  readonly producer: { readonly name: string; readonly version: string };
}

/** Builds the `metadata_props` entries for an export; throws on reserved user keys. */
export function metadataProps(
  spec: ModelSpec,
  codec: object | null | undefined,
  metadata: Readonly<Record<string, string>> = {},
): Array<{ key: string; value: string }> {
  const props: Array<{ key: string; value: string }> = [
    { key: METADATA_KEYS.format, value: METADATA_FORMAT },
    { key: METADATA_KEYS.formatVersion, value: String(METADATA_FORMAT_VERSION) },
    { key: METADATA_KEYS.spec, value: JSON.stringify(spec) },
  ];
  if (codec !== null && codec !== undefined) {
    if (!isJsonObject(codec)) {
      throw new RnnlmError("ERR_EXPORT", "codec must be a JSON object describing the vocabulary (or omitted)");
    }
    props.push({ key: METADATA_KEYS.codec, value: JSON.stringify(codec) });
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (key.startsWith(RESERVED_PREFIX)) {
      throw new RnnlmError(
        "ERR_EXPORT",
        `metadata key "${key}" is reserved (keys starting with "${RESERVED_PREFIX}"); rename it`,
      );
    }
    if (typeof value !== "string") {
      throw new RnnlmError(
        "ERR_EXPORT",
        `metadata "${key}" must be a string (ONNX metadata_props are strings); JSON.stringify it`,
      );
    }
    props.push({ key, value });
  }
  return props;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new OnnxFileError(`${what} in the file's metadata is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Validates decoded `metadata_props` entries into {@link OnnxMetadata}. */
export function parseMetadataProps(
  entries: ReadonlyArray<{ key?: string | null; value?: string | null }>,
  producer: { name: string; version: string },
): OnnxMetadata {
  const map = new Map<string, string>();
  for (const e of entries) map.set(e.key ?? "", e.value ?? "");
  const format = map.get(METADATA_KEYS.format);
  if (format !== METADATA_FORMAT) {
    throw new OnnxFileError(
      format === undefined
        ? `not an rnnlm model: the ONNX file has no "${METADATA_KEYS.format}" metadata (export it with rnnlm's exportOnnx)`
        : `not an rnnlm model: "${METADATA_KEYS.format}" is "${format}", expected "${METADATA_FORMAT}"`,
    );
  }
  const version = Number(map.get(METADATA_KEYS.formatVersion));
  if (version !== METADATA_FORMAT_VERSION) {
    throw new OnnxFileError(
      `unsupported rnnlm ONNX format version "${map.get(METADATA_KEYS.formatVersion)}" (this build reads ${METADATA_FORMAT_VERSION}); upgrade @rnnlm/backend-onnx or re-export the model`,
    );
  }
  const specText = map.get(METADATA_KEYS.spec);
  if (specText === undefined) throw new OnnxFileError(`the file has no "${METADATA_KEYS.spec}" metadata: re-export it`);
  let spec: ModelSpec;
  try {
    spec = parseModelSpec(parseJson(specText, "the model spec"));
  } catch (error) {
    if (error instanceof OnnxFileError) throw error;
    throw new OnnxFileError(`the model spec in the file is invalid: ${(error as Error).message}`, { cause: error });
  }
  let codec: JsonObject | null = null;
  const codecText = map.get(METADATA_KEYS.codec);
  if (codecText !== undefined) {
    const parsed = parseJson(codecText, "the codec description");
    if (!isJsonObject(parsed))
      throw new OnnxFileError("the codec description in the file's metadata is not a JSON object");
    codec = parsed;
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of map) if (!key.startsWith(RESERVED_PREFIX)) metadata[key] = value;
  return { formatVersion: version, spec, codec, metadata, producer };
}
