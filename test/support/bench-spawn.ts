import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The measured processes of the repository's benchmarks: `node ARGS`, checked against the exit codes the
// case expects. Anything else (another code, a signal, a process that could not start) rejects with
// the tail of its stderr, so the test and `pnpm bench` fail instead of timing a crash (an unbuilt
// CLI exits 1 at once, which used to be timed as an answer).

export interface NodeRun {
  code: number;
  stdout: string;
  stderr: string;
  /** With `usage: true`: the process's CPU time (user + system) and peak RSS. */
  usage?: { cpuMs: number; maxRssMiB: number };
}

export interface NodeRunOptions {
  /** The exit codes that count as an answer (e.g. [0] or [0, 1]). */
  expect: readonly number[];
  env?: NodeJS.ProcessEnv;
  /** Measure the process's CPU time and peak RSS (./bench-usage.mjs, preloaded). */
  usage?: boolean;
}

const USAGE_PRELOAD = fileURLToPath(new URL('./bench-usage.mjs', import.meta.url));

/**
 * The Node flags of a bin's `#!/usr/bin/env -S node FLAGS` line, so that a benchmark running
 * `node BIN` measures what a user running BIN gets.
 */
export function shebangFlags(bin: string): string[] {
  const first = readFileSync(bin, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\S*env -S node((?: +--\S+)*)\s*$/.exec(first);
  return (
    match?.[1]
      ?.trim()
      .split(/ +/)
      .filter((flag) => flag !== '') ?? []
  );
}

const STDERR_TAIL = 2000;

/** Runs `process.execPath ARGS` with stdout and stderr piped, and checks its exit code. */
export function runNode(args: readonly string[], options: NodeRunOptions): Promise<NodeRun> {
  const scratch = options.usage === true ? mkdtempSync(join(tmpdir(), 'nfd-usage-')) : undefined;
  const usageFile = scratch === undefined ? undefined : join(scratch, 'usage.json');
  const argv = usageFile === undefined ? args : ['--import', USAGE_PRELOAD, ...args];
  const env = {
    ...(options.env ?? process.env),
    ...(usageFile === undefined ? {} : { NFD_BENCH_USAGE: usageFile }),
  };
  return new Promise((resolve, reject) => {
    // Linux keeps a process's peak RSS across exec, so a child forked from this (large) process
    // would report this process's size: with `usage`, it is forked from a small shell instead.
    const child =
      usageFile === undefined
        ? spawn(process.execPath, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn('sh', ['-c', '"$0" "$@" & wait $!', process.execPath, ...argv], {
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new Error(`node ${args.join(' ')} did not start: ${error.message}`)));
    child.on('close', (code, signal) => {
      let usage: NodeRun['usage'];
      if (usageFile !== undefined && scratch !== undefined) {
        try {
          usage = JSON.parse(readFileSync(usageFile, 'utf8')) as NodeRun['usage'];
        } catch {
          usage = undefined;
        }
        rmSync(scratch, { recursive: true, force: true });
      }
      const errors = Buffer.concat(stderr).toString('utf8');
      if (code !== null && options.expect.includes(code)) {
        resolve({
          code,
          stdout: Buffer.concat(stdout).toString('utf8'),
          stderr: errors,
          ...(usage === undefined ? {} : { usage }),
        });
        return;
      }
      const status = code === null ? `was killed by ${signal}` : `exited ${code}`;
      const tail = errors.trim() === '' ? '(no stderr)' : errors.slice(-STDERR_TAIL).trimEnd();
      reject(
        new Error(
          `node ${args.join(' ')} ${status}, expected exit ${options.expect.join(' or ')}; stderr (tail):\n${tail}`,
        ),
      );
    });
  });
}
