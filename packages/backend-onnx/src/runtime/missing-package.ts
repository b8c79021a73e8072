/**
 * The ONNX Runtime version this package is built and tested on. `onnxruntime-node` and
 * `onnxruntime-web` are optional peers at this version: a Node app installs the first, a
 * browser app the second, and neither pulls in the other's runtime.
 */
export const ORT_VERSION = "1.30.0";

/**
 * Whether `error` (from `import(name)`) says the package itself is not installed, as opposed
 * to installed but failing to load (a missing native library, a broken install).
 */
export function isMissingPackage(error: unknown, name: string): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  const notFound =
    code === "ERR_MODULE_NOT_FOUND" ||
    code === "MODULE_NOT_FOUND" ||
    // Browsers and bundlers: "Failed to resolve module specifier", "Cannot find module".
    /failed to resolve module specifier|cannot find (module|package)/i.test(error.message);
  return notFound && error.message.includes(name);
}
