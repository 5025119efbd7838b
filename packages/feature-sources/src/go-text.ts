import { isUtf8 } from 'node:buffer';
import { type HostFs, HostReadError } from './host-fs.ts';

// Go semantics shared by the sources: strings.TrimSpace and friends, Go's decoding of bytes to a
// string, and os.ReadFile / os.ReadDir / os.Stat turned into values (kernel, memory, system, local).

// Go's unicode.IsSpace set, which strings.TrimSpace and strings.Fields use. JavaScript's trim()
// differs: it also strips U+FEFF and does not strip U+0085.
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');
const GO_FIELD_SEPARATOR = new RegExp(`[${GO_SPACE}]+`);

/** Go's strings.TrimSpace. */
export function goTrimSpace(text: string): string {
  return text.replace(GO_TRIM, '');
}

/** Go's strings.Fields: the non-empty runs between white space. */
export function goFields(text: string): string[] {
  return goTrimSpace(text)
    .split(GO_FIELD_SEPARATOR)
    .filter((field) => field !== '');
}

/** Go's strings.Trim(text, cutset): every leading and trailing character found in `cutset`. */
export function goTrim(text: string, cutset: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && cutset.includes(text.charAt(start))) start++;
  while (end > start && cutset.includes(text.charAt(end - 1))) end--;
  return text.slice(start, end);
}

/** Go's strings.TrimRight(text, cutset). */
export function goTrimRight(text: string, cutset: string): string {
  let end = text.length;
  while (end > 0 && cutset.includes(text.charAt(end - 1))) end--;
  return text.slice(0, end);
}

function continuation(bytes: Uint8Array, at: number, low = 0x80, high = 0xbf): boolean {
  const byte = bytes[at];
  return byte !== undefined && byte >= low && byte <= high;
}

/** Length of the valid UTF-8 sequence starting at `at` by Go's rules, or 0 when it is not one. */
function sequenceLength(bytes: Uint8Array, at: number): number {
  const lead = bytes[at] ?? 0;
  if (lead >= 0xc2 && lead <= 0xdf) return continuation(bytes, at + 1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const low = lead === 0xe0 ? 0xa0 : 0x80;
    const high = lead === 0xed ? 0x9f : 0xbf;
    return continuation(bytes, at + 1, low, high) && continuation(bytes, at + 2) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const low = lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xf4 ? 0x8f : 0xbf;
    return continuation(bytes, at + 1, low, high) &&
      continuation(bytes, at + 2) &&
      continuation(bytes, at + 3)
      ? 4
      : 0;
  }
  return 0;
}

/**
 * Bytes as Go sees them in a string: valid UTF-8 decoded, and every byte of an invalid sequence
 * one U+FFFD (Go's range loop, regexp and encoding/json all go rune by rune that way; WHATWG
 * decoding would fold a truncated sequence into a single U+FFFD, so output could differ).
 */
export function goDecode(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Nearly every file is valid UTF-8: decoded natively, a byte order mark kept (as Go keeps it).
  if (isUtf8(buffer)) return buffer.toString('utf8');
  let text = '';
  let plainStart = 0;
  let at = 0;
  while (at < buffer.length) {
    if ((buffer[at] ?? 0) < 0x80) {
      at++;
      continue;
    }
    const length = sequenceLength(buffer, at);
    if (length > 0) {
      at += length;
      continue;
    }
    text += buffer.toString('utf8', plainStart, at);
    text += '\ufffd';
    at++;
    plainStart = at;
  }
  return text + buffer.toString('utf8', plainStart, at);
}

/** What an os.ReadFile of one path gave. */
export type FileRead =
  | { readonly ok: true; readonly bytes: Buffer }
  | { readonly ok: false; readonly missing: boolean; readonly reason: string };

/** Reads a file, turning "missing" and every other failure into a value (these sources never throw). */
export async function readFile(fs: HostFs, path: string): Promise<FileRead> {
  try {
    const bytes = await fs.readBytes(path);
    if (bytes === undefined) {
      return { ok: false, missing: true, reason: `open ${fs.display(path)}: no such file or directory` };
    }
    return { ok: true, bytes };
  } catch (error) {
    if (error instanceof HostReadError) return { ok: false, missing: false, reason: error.message };
    throw error;
  }
}

/** A directory listing (sorted), "missing", or another failure. */
export type DirRead =
  | { readonly ok: true; readonly names: string[] }
  | { readonly ok: false; readonly missing: boolean; readonly reason: string };

export async function readDir(fs: HostFs, path: string): Promise<DirRead> {
  try {
    const names = await fs.readDir(path);
    if (names === undefined) {
      return { ok: false, missing: true, reason: `open ${fs.display(path)}: no such file or directory` };
    }
    return { ok: true, names };
  } catch (error) {
    if (error instanceof HostReadError) return { ok: false, missing: false, reason: error.message };
    throw error;
  }
}

/**
 * os.Stat as upstream tests it: "exists", "missing" (ENOENT, os.IsNotExist), or "error" for
 * anything else. HostFs.exists folds ENOTDIR into "missing", but Go's os.IsNotExist does not, so a
 * non-directory ancestor is told apart by looking up the nearest existing ancestor.
 */
export async function statPath(fs: HostFs, path: string): Promise<'exists' | 'missing' | 'error'> {
  try {
    if (await fs.exists(path)) return 'exists';
    let parent = path;
    for (;;) {
      const next = parent.replace(/\/+[^/]*\/*$/, '');
      if (next === parent || next === '') return 'missing';
      parent = next;
      if (await fs.exists(parent)) return (await fs.isDirectory(parent)) ? 'missing' : 'error';
    }
  } catch (error) {
    if (error instanceof HostReadError) return 'error';
    throw error;
  }
}

/**
 * record[key] = value, also for the key "__proto__" (a kconfig option, os-release key, module
 * name or local feature key can be any text; plain assignment of "__proto__" would set the
 * prototype instead of storing an element).
 */
export function putKey<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}
