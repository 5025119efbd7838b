// File primitives for OCI layouts: atomic replace (temp + fsync + rename) and an exclusive lock file.
import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { NfdError } from '@nfd/spec';

/** Writes `bytes` to a temporary file next to `path`, fsyncs it and renames it over `path`. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.tmp-${randomBytes(6).toString('hex')}`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } catch (e) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw e;
  }
  await handle.close();
  try {
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

export interface LockOptions {
  /** Give up after this many milliseconds (default 10 s). */
  readonly timeoutMs?: number;
  /** A lock file older than this is taken to be left over by a crashed process (default 60 s). */
  readonly staleMs?: number;
  readonly signal?: AbortSignal;
  readonly onWarning?: (message: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` while holding `lockPath` (created with O_EXCL, removed afterwards). */
export async function withLockFile<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const timeout = options.timeoutMs ?? 10_000;
  const staleMs = options.staleMs ?? 60_000;
  const started = Date.now();
  let delay = 10;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const handle = await open(lockPath, 'wx', 0o644);
      await handle.writeFile(`${new Date().toISOString()}\n`);
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const info = await stat(lockPath).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > staleMs) {
      options.onWarning?.(
        `removing stale lock file ${lockPath} (older than ${Math.round(staleMs / 1000)} s)`,
      );
      await rm(lockPath, { force: true });
      continue;
    }
    if (Date.now() - started > timeout) {
      throw new NfdError('OCI_PROTOCOL', `timed out waiting for the lock ${lockPath}`, {
        hint: 'another process is updating this OCI layout; if none is, delete the lock file',
      });
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 200);
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}
