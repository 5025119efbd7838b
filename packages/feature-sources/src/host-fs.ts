import type { Stats } from 'node:fs';
// Synchronous calls behind the async interface: discovery reads ~1,000 small pseudo-files, and a
// promise-based read costs four thread-pool round trips per file (open, fstat, read, close).
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

// Where a source reads from (features.md §1). NFD keeps seven host directories, each
// PREFIX + name, with PREFIX "/" on a host and "/host-" in its container images; a few paths are
// read unprefixed from the process's own view (§1.2). We take a root that every read goes under
// (a fixture tree in tests, "/" on a host) and honour the /host-* directories per directory when
// they exist under the root, so the same binary works on a host and in a pod with hostPath
// mounts (the validate-image Job mounts only some of them).

export type HostDir = 'boot' | 'etc' | 'sys' | 'usr' | 'lib' | 'proc' | 'var';

const HOST_DIRS: readonly HostDir[] = ['boot', 'etc', 'sys', 'usr', 'lib', 'proc', 'var'];

/** A read that failed for a reason other than "not there" (permission, I/O, not a directory …). */
export class HostReadError extends Error {
  override name = 'HostReadError';
  readonly path: string;
  readonly code: string | undefined;
  constructor(path: string, cause: unknown) {
    const code = errorCode(cause);
    super(`cannot read ${path}: ${describeCode(code, cause)}`, { cause });
    this.path = path;
    this.code = code;
  }
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function describeCode(code: string | undefined, cause: unknown): string {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'not a directory';
    case 'EISDIR':
      return 'is a directory';
    case 'EINVAL':
      return 'invalid argument';
    case 'ELOOP':
      return 'a symbolic link loop';
    case 'NOT_REGULAR':
    case 'TOO_LARGE':
      return cause instanceof Error ? cause.message : String(cause);
    default:
      return cause instanceof Error ? cause.message : String(cause);
  }
}

/**
 * The most a host file is read to: sysfs and procfs pseudo-files report a size of 0 or 4096, so
 * the size is not trusted, and a hostile tree (a 1 GB file, /dev/zero behind a link) must not
 * eat memory. Kernel configs, cpuinfo of hundreds of CPUs and module lists stay well under it.
 */
export const MAX_HOST_FILE_BYTES: number = 4 * 1024 * 1024;

/** A read refused before it starts or stopped at the limit, with a code describeCode knows. */
class BoundedReadError extends Error {
  readonly code: 'NOT_REGULAR' | 'TOO_LARGE';
  constructor(code: 'NOT_REGULAR' | 'TOO_LARGE', message: string) {
    super(message);
    this.code = code;
  }
}

function kindOf(stat: Stats): string {
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  if (stat.isSocket()) return 'a socket';
  if (stat.isDirectory()) return 'a directory';
  return 'not a regular file';
}

/**
 * A host file's bytes: opened without blocking (a FIFO would wait for a writer forever), read
 * only when it is a regular file, and only up to MAX_HOST_FILE_BYTES.
 */
function readBounded(path: string): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new BoundedReadError('NOT_REGULAR', `${kindOf(stat)}, not a file`);
    const limit = `larger than ${MAX_HOST_FILE_BYTES / 1048576} MiB, the most a host file is read to`;
    if (stat.size > MAX_HOST_FILE_BYTES) throw new BoundedReadError('TOO_LARGE', limit);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(stat.size, 4096), MAX_HOST_FILE_BYTES) + 1);
      const read = readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) break;
      total += read;
      if (total > MAX_HOST_FILE_BYTES) throw new BoundedReadError('TOO_LARGE', limit);
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
    }
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function isMissing(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT';
}

export interface HostFsOptions {
  /** Every read goes under this directory; "/" for the live host. */
  root: string;
  /**
   * "auto" (default): use <root>/host-<dir> for each host directory that exists, else <root>/<dir>;
   * "/" or "/host-": force one, as NFD's build-time prefix does.
   */
  prefix?: 'auto' | '/' | '/host-';
}

/** Paths and reads under a host root. Reads return undefined for a missing file (ENOENT). */
export interface HostFs {
  readonly root: string;
  /** A path under one of the (possibly /host-prefixed) host directories. */
  host(dir: HostDir, ...parts: string[]): string;
  /** An unprefixed absolute path of the process's own view (§1.2), still under the root. */
  abs(path: string): string;
  readText(path: string): Promise<string | undefined>;
  readBytes(path: string): Promise<Buffer | undefined>;
  /** Directory entries sorted by name (Go's os.ReadDir order), or undefined when missing. */
  readDir(path: string): Promise<string[] | undefined>;
  exists(path: string): Promise<boolean>;
  isDirectory(path: string): Promise<boolean>;
  /** A describable name for a path in messages (relative to a non-/ root). */
  display(path: string): string;
}

/** Compares like Go's sort of strings (byte order of UTF-8 = code point order). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function directoryExists(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    // Best effort: a /host-* directory we cannot stat is treated as absent.
    return false;
  }
}

export async function createHostFs(options: HostFsOptions): Promise<HostFs> {
  const root = options.root;
  const prefix = options.prefix ?? 'auto';
  const dirs = new Map<HostDir, string>();
  for (const dir of HOST_DIRS) {
    const hosted = join(root, `host-${dir}`);
    const plain = join(root, dir);
    if (prefix === '/host-') dirs.set(dir, hosted);
    else if (prefix === '/') dirs.set(dir, plain);
    else dirs.set(dir, directoryExists(hosted) ? hosted : plain);
  }
  const display = (path: string): string =>
    root === '/' || !path.startsWith(root) ? path : path.slice(root.length) || '/';
  const readBytes = async (path: string): Promise<Buffer | undefined> => {
    try {
      return readBounded(path);
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw new HostReadError(display(path), error);
    }
  };
  const statPath = async (path: string): Promise<Stats | undefined> => {
    try {
      return statSync(path);
    } catch (error) {
      if (isMissing(error) || errorCode(error) === 'ENOTDIR') return undefined;
      throw new HostReadError(display(path), error);
    }
  };
  return {
    root,
    host: (dir, ...parts) => join(dirs.get(dir) ?? join(root, dir), ...parts),
    abs: (path) => join(root, path),
    readText: async (path) => (await readBytes(path))?.toString('utf8'),
    readBytes,
    async readDir(path) {
      try {
        return readdirSync(path).sort(compareNames);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw new HostReadError(display(path), error);
      }
    },
    exists: async (path) => (await statPath(path)) !== undefined,
    isDirectory: async (path) => (await statPath(path))?.isDirectory() ?? false,
    display,
  };
}
