import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { NfdError } from '@nfd/spec';
import type { CliHost } from './host.ts';

/** All of standard input as UTF-8 text. */
export function readStdin(host: CliHost): Promise<string> {
  return readStream(host.stdin);
}

/** Reads a file argument as UTF-8 text; `-` reads standard input. */
export async function readInput(host: CliHost, file: string): Promise<string> {
  if (file === '-') return readStream(host.stdin);
  try {
    return await readFile(resolve(host.cwd, file), 'utf8');
  } catch (cause) {
    const reason =
      cause instanceof Error && 'code' in cause ? describeFsError(String(cause.code)) : String(cause);
    throw new NfdError('FILE_UNREADABLE', `cannot read ${file}: ${reason}`, { cause });
  }
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

async function readStream(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}
