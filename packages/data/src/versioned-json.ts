/**
 * Reads a saved description (`{"format": F, "version": N, …}`), given as an object or its JSON
 * text, checking the envelope; `invalid` reports a problem in the caller's own words.
 */
export function readVersionedJson(
  json: unknown,
  format: string,
  version: number,
  invalid: (problem: string) => never,
): Record<string, unknown> {
  let value = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (e) {
      invalid(`the text is not JSON (${(e as Error).message})`);
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) invalid("not an object");
  const v = value as Record<string, unknown>;
  if (v.format !== format) invalid(`format is ${JSON.stringify(v.format)}`);
  if (v.version !== version) invalid(`version ${JSON.stringify(v.version)} is not supported`);
  return v;
}
