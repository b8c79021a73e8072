// A POSIX ustar archive (what `tar xf` reads everywhere): regular files only, names ≤ 100 bytes.
export interface TarEntry {
  readonly name: string;
  readonly bytes: Uint8Array;
}

const BLOCK = 512;

function writeText(header: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > length) throw new Error(`tar field too long: ${text}`);
  header.set(bytes, offset);
}

/** Octal, zero-padded to `length - 1` digits and NUL-terminated. */
function writeOctal(header: Uint8Array, offset: number, length: number, value: number): void {
  writeText(header, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

/** The archive's bytes; `mtime` in seconds since 1970 (fixed, so the same files give the same bytes). */
export function tarArchive(entries: readonly TarEntry[], mtime: number): Uint8Array {
  let size = 2 * BLOCK;
  for (const entry of entries) size += BLOCK + Math.ceil(entry.bytes.length / BLOCK) * BLOCK;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const { name, bytes } of entries) {
    if (new TextEncoder().encode(name).length > 100) throw new Error(`tar entry name longer than 100 bytes: ${name}`);
    const header = out.subarray(offset, offset + BLOCK);
    writeText(header, 0, 100, name);
    writeOctal(header, 100, 8, 0o644);
    writeOctal(header, 108, 8, 0);
    writeOctal(header, 116, 8, 0);
    writeOctal(header, 124, 12, bytes.length);
    writeOctal(header, 136, 12, Math.floor(mtime));
    header.fill(0x20, 148, 156); // the checksum counts its own field as spaces
    header[156] = 0x30; // "0": regular file
    writeText(header, 257, 6, "ustar\0");
    writeText(header, 263, 2, "00");
    let checksum = 0;
    for (const byte of header) checksum += byte;
    writeText(header, 148, 8, `${checksum.toString(8).padStart(6, "0")}\0 `);
    out.set(bytes, offset + BLOCK);
    offset += BLOCK + Math.ceil(bytes.length / BLOCK) * BLOCK;
  }
  return out;
}
