import { constants as bufferConstants } from 'node:buffer';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { NfdError } from '@nfd/spec';
import type { CliHost } from './host.ts';
import { DEFAULT_INPUT_LIMIT, formatSize, type InputLimit } from './input-limits.ts';

/** All of standard input as UTF-8 text (at most DEFAULT_INPUT_LIMIT). */
export async function readStdin(host: CliHost): Promise<string> {
  const read = await readStream(host.stdin, DEFAULT_INPUT_LIMIT.bytes);
  if (read === TOO_LARGE) throw tooLarge('standard input', DEFAULT_INPUT_LIMIT);
  return decode(read, 'standard input');
}

/**
 * Reads a file argument as UTF-8 text; `-` reads standard input. At most `limit.bytes` are read:
 * a larger file (or stream) is refused after reading one byte more, never read whole.
 */
export async function readInput(
  host: CliHost,
  file: string,
  limit: InputLimit = DEFAULT_INPUT_LIMIT,
): Promise<string> {
  let read: Buffer | typeof TOO_LARGE;
  if (file === '-') read = await readStream(host.stdin, limit.bytes);
  else {
    try {
      read = await readFileBounded(resolve(host.cwd, file), limit.bytes);
    } catch (cause) {
      const reason =
        cause instanceof Error && 'code' in cause ? describeFsError(String(cause.code)) : String(cause);
      throw new NfdError('FILE_UNREADABLE', `cannot read ${file}: ${reason}`, { cause });
    }
  }
  const name = file === '-' ? 'standard input' : file;
  if (read === TOO_LARGE) throw tooLarge(name, limit);
  return decode(read, name);
}

const TOO_LARGE: unique symbol = Symbol('too large');

/** One line: the file, the limit, and the flag that raises it. */
function tooLarge(name: string, limit: InputLimit): NfdError {
  const raise = limit.flag === undefined ? '' : `; ${limit.flag} raises it`;
  return new NfdError(
    'FILE_UNREADABLE',
    `cannot read ${name}: it is larger than ${formatSize(limit.bytes)}, the limit for ${limit.what}${raise}`,
  );
}

function decode(bytes: Buffer, name: string): string {
  // UTF-8 never decodes to more UTF-16 units than it has bytes.
  if (bytes.length > bufferConstants.MAX_STRING_LENGTH)
    throw new NfdError(
      'FILE_UNREADABLE',
      `cannot read ${name}: ${formatSize(bytes.length)} is more text than this runtime can hold`,
    );
  return bytes.toString('utf8');
}

function describeFsError(code: string): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    default:
      return code;
  }
}

/** The most one read asks for: a regular file is read in one go up to this, anything else in pieces. */
const CHUNK = 64 * 1024;
const MAX_READ = 16 * 1024 * 1024;

/**
 * The file's bytes, or TOO_LARGE as soon as more than `limit` are read (or its size says so). Its
 * size is only a hint (a pipe, a device or /proc file reports 0 or a page; a file may grow).
 */
async function readFileBounded(path: string, limit: number): Promise<Buffer | typeof TOO_LARGE> {
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    if (stats.isFile() && stats.size > limit) return TOO_LARGE;
    const chunks: Buffer[] = [];
    let total = 0;
    // One byte over the limit is enough to know; a regular file is read in one piece when small.
    let size = stats.isFile() ? Math.min(stats.size + 1, limit + 1, MAX_READ) : Math.min(CHUNK, limit + 1);
    for (;;) {
      const want = Math.max(1, Math.min(size, limit + 1 - total));
      const buffer = Buffer.allocUnsafe(want);
      const { bytesRead } = await handle.read(buffer, 0, want, null);
      if (bytesRead === 0) break;
      chunks.push(bytesRead === want ? buffer : buffer.subarray(0, bytesRead));
      total += bytesRead;
      if (total > limit) return TOO_LARGE;
      size = Math.min(Math.max(size, CHUNK), MAX_READ);
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** The stream's bytes, or TOO_LARGE as soon as more than `limit` arrive (the rest is left unread). */
async function readStream(stream: Readable, limit: number): Promise<Buffer | typeof TOO_LARGE> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    total += buffer.length;
    if (total > limit) return TOO_LARGE;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, total);
}
