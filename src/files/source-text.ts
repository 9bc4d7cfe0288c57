// Source files as otelify reads and writes them: UTF-8 only, never decoded lossily, and written back with
// the byte order mark they had.
import { readFileSync } from 'node:fs';

/** Files larger than this are skipped with a reason: analysing them would take minutes and gigabytes. */
export const MAX_SOURCE_BYTES = 5 * 1024 * 1024;

const BOM = '\uFEFF';
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export type SourceRead =
  | { ok: true; text: string; bom: boolean }
  /** `line` is where the first byte that is not UTF-8 sits. */
  | { ok: false; reason: string; line?: number; column?: number };

/** The file's text without its BOM, or why otelify leaves it alone. */
export function readSource(path: string): SourceRead {
  const bytes = readFileSync(path);
  if (bytes.length > MAX_SOURCE_BYTES) {
    return { ok: false, reason: `too large to analyse (${(bytes.length / 1024 / 1024).toFixed(1)} MB; the limit is ${MAX_SOURCE_BYTES / 1024 / 1024} MB)` };
  }
  try {
    const text = strict.decode(bytes);
    return text.startsWith(BOM) ? { ok: true, text: text.slice(1), bom: true } : { ok: true, text, bom: false };
  } catch {
    const at = firstInvalidByte(bytes);
    const before = bytes.subarray(0, at);
    const line = before.filter((b) => b === 0x0a).length + 1;
    const column = at - (before.lastIndexOf(0x0a) + 1) + 1;
    return { ok: false, reason: `not valid UTF-8 (byte 0x${bytes[at]?.toString(16).padStart(2, '0')}); otelify reads and writes UTF-8 only`, line, column };
  }
}

/** The text to write for a file read with {@link readSource}. */
export function sourceBytes(text: string, bom: boolean): string {
  return bom ? BOM + text : text;
}

/** The offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidByte(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    const length = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    for (let k = 1; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    try {
      strict.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return bytes.length;
}

/** The line ending most of the text's lines use, which text otelify inserts follows. */
export function dominantLineEnding(text: string): '\n' | '\r\n' {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}
