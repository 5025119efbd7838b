import { spawn } from 'node:child_process';

// The measured processes of the repository's benchmarks: `node ARGS`, checked against the exit codes the
// case expects. Anything else (another code, a signal, a process that could not start) rejects with
// the tail of its stderr, so the test and `pnpm bench` fail instead of timing a crash (an unbuilt
// CLI exits 1 at once, which used to be timed as an answer).

export interface NodeRun {
  code: number;
  stdout: string;
}

export interface NodeRunOptions {
  /** The exit codes that count as an answer (e.g. [0] or [0, 1]). */
  expect: readonly number[];
  env?: NodeJS.ProcessEnv;
}

const STDERR_TAIL = 2000;

/** Runs `process.execPath ARGS` with stdout and stderr piped, and checks its exit code. */
export function runNode(args: readonly string[], options: NodeRunOptions): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    child.on('error', (error) => reject(new Error(`node ${args.join(' ')} did not start: ${error.message}`)));
    child.on('close', (code, signal) => {
      if (code !== null && options.expect.includes(code)) {
        resolve({ code, stdout: Buffer.concat(stdout).toString('utf8') });
        return;
      }
      const status = code === null ? `was killed by ${signal}` : `exited ${code}`;
      const tail = stderr.trim() === '' ? '(no stderr)' : stderr.trimEnd();
      reject(
        new Error(
          `node ${args.join(' ')} ${status}, expected exit ${options.expect.join(' or ')}; stderr (tail):\n${tail}`,
        ),
      );
    });
  });
}
