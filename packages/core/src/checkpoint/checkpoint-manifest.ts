import { z } from "zod";
import { SpecError } from "../errors.js";
import { describeIssues, type ModelSpec, parseModelSpec } from "../spec.js";
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  MANIFEST_FILE,
  MODEL_FILE,
  OPTIMIZER_FILE,
  TRAINER_FILE,
} from "./checkpoint-layout.js";
import { checkpointProblem, messageOf } from "./checkpoint-problem.js";
import type { FileDigest } from "./file-digest.js";
import { sha256Hex } from "./sha256.js";

/** The contents of `config.json`: what the folder is, the model, and a digest of every other file. */
export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly version: number;
  readonly spec: ModelSpec;
  readonly codec?: unknown;
  readonly config?: Record<string, unknown>;
  readonly files: {
    readonly [MODEL_FILE]: FileDigest;
    readonly [TRAINER_FILE]?: FileDigest;
    readonly [OPTIMIZER_FILE]?: FileDigest;
  };
}

const digestSchema = z
  .object({
    bytes: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be 64 lower-case hex digits"),
  })
  .strict();

const manifestSchema = z.object({
  spec: z.unknown(),
  codec: z.unknown().optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  files: z
    .object({
      [MODEL_FILE]: digestSchema,
      [TRAINER_FILE]: digestSchema.optional(),
      [OPTIMIZER_FILE]: digestSchema.optional(),
    })
    .strict(),
});

/** How config.json is serialised, and what its "integrity" checksum covers. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

function sha256OfText(text: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(text));
}

const integritySchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }).strict();

/**
 * Checks config.json's own checksum. JSON.parse then JSON.stringify reproduces exactly the
 * text JSON.stringify wrote, so any edit (swapped vocabulary tokens, a changed config value)
 * changes the digest. Checkpoints written before the checksum existed have none and load as
 * before.
 */
async function checkIntegrity(dir: string, raw: Record<string, unknown>): Promise<void> {
  if (!("integrity" in raw)) return;
  const { integrity, ...body } = raw;
  const parsed = integritySchema.safeParse(integrity);
  if (!parsed.success) throw checkpointProblem(dir, `${MANIFEST_FILE} has a malformed "integrity" entry`, RESAVE);
  if ((await sha256OfText(canonicalJson(body))) !== parsed.data.sha256) {
    throw checkpointProblem(
      dir,
      `${MANIFEST_FILE} was modified after saving (its content does not match its "integrity" sha256)`,
      RESAVE,
    );
  }
}

const RESAVE = "restore the folder from a backup, or save the checkpoint again; do not edit checkpoint files by hand";

/** Serialises a manifest deterministically (same data, same bytes). */
export async function encodeManifest(dir: string, manifest: CheckpointManifest): Promise<Uint8Array> {
  let body: Record<string, unknown>;
  let bodyJson: string;
  try {
    body = {
      format: manifest.format,
      version: manifest.version,
      spec: manifest.spec,
      ...(manifest.codec === undefined ? {} : { codec: manifest.codec }),
      ...(manifest.config === undefined ? {} : { config: manifest.config }),
      files: manifest.files,
    };
    bodyJson = canonicalJson(body);
  } catch (error) {
    throw checkpointProblem(
      dir,
      `cannot write ${MANIFEST_FILE}: the codec or config is not JSON-serialisable (${messageOf(error)})`,
      "pass plain JSON data (objects, arrays, strings, finite numbers, booleans, null) as codec and config",
      error,
    );
  }
  // config.json covers the other files by their digests, and itself by this one: the
  // sha256 of the same JSON without the "integrity" key, which comes last.
  const text = JSON.stringify({ ...body, integrity: { sha256: await sha256OfText(bodyJson) } }, null, 2);
  return new TextEncoder().encode(`${text}\n`);
}

/** Parses and validates `config.json`; every problem is a CheckpointError naming the file and the fix. */
export async function decodeManifest(dir: string, bytes: Uint8Array): Promise<CheckpointManifest> {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw checkpointProblem(dir, `${MANIFEST_FILE} is not valid UTF-8 JSON (${messageOf(error)})`, RESAVE, error);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw checkpointProblem(dir, `${MANIFEST_FILE} is not a JSON object`, RESAVE);
  }
  const { format, version } = raw as Record<string, unknown>;
  if (format !== CHECKPOINT_FORMAT) {
    throw checkpointProblem(
      dir,
      `${MANIFEST_FILE} is not an rnnlm checkpoint manifest (its "format" is ${JSON.stringify(format) ?? "missing"}, expected "${CHECKPOINT_FORMAT}")`,
      "point at a folder written by rnnlm's saveCheckpoint (another library's model folder cannot be loaded directly)",
    );
  }
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    throw checkpointProblem(dir, `${MANIFEST_FILE} has an invalid "version" (${JSON.stringify(version)})`, RESAVE);
  }
  if (version > CHECKPOINT_VERSION) {
    throw checkpointProblem(
      dir,
      `${MANIFEST_FILE} says checkpoint format version ${version}, but this @rnnlm/core reads up to version ${CHECKPOINT_VERSION}`,
      "upgrade @rnnlm/core to the version that wrote the checkpoint",
    );
  }
  await checkIntegrity(dir, raw as Record<string, unknown>);
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw checkpointProblem(dir, `${MANIFEST_FILE} is malformed: ${describeIssues(parsed.error)}`, RESAVE);
  }
  const { files } = parsed.data;
  if ((files[TRAINER_FILE] === undefined) !== (files[OPTIMIZER_FILE] === undefined)) {
    throw checkpointProblem(
      dir,
      `${MANIFEST_FILE} lists only one of ${TRAINER_FILE} and ${OPTIMIZER_FILE}; trainer state needs both`,
      RESAVE,
    );
  }
  let spec: ModelSpec;
  try {
    spec = parseModelSpec(parsed.data.spec);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    throw checkpointProblem(dir, `${MANIFEST_FILE} holds an ${error.message}`, RESAVE, error);
  }
  return {
    format: CHECKPOINT_FORMAT,
    version,
    spec,
    ...(parsed.data.codec === undefined ? {} : { codec: parsed.data.codec }),
    ...(parsed.data.config === undefined ? {} : { config: parsed.data.config }),
    files,
  };
}
