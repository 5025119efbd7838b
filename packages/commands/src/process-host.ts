import { writeSync } from 'node:fs';
import type { CliHost, OutputStream } from './host.ts';
import { EXIT_INTERRUPTED, EXIT_TERMINATED, runCli } from './program.ts';

/** How long an interrupted command may take to stop its requests and report what it left. */
const INTERRUPT_GRACE_MS = 5000;

/** What distinguishes one app from the other. */
export type AppIdentity = Pick<CliHost, 'displayName' | 'version' | 'kube'>;

/** Runs the command tree on this process's argv and streams; the apps' whole job. */
export async function runProcess(app: AppIdentity): Promise<number> {
  // SIGINT (Ctrl-C) and SIGTERM end every command with 130 or 143. A command that took the abort
  // signal (registry and cluster work; an AbortController costs a module load, so it is made on
  // first use) is cancelled cleanly and says what an interrupted write left behind; it has
  // INTERRUPT_GRACE_MS for that. Any other command has nothing to clean up and exits at once.
  // A second signal kills the process as usual.
  let interrupt: AbortController | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    const code = signal === 'SIGTERM' ? EXIT_TERMINATED : EXIT_INTERRUPTED;
    if (interrupt === undefined) process.exit(code);
    interrupt.abort(Object.assign(new Error('interrupted'), { exitCode: code }));
    setTimeout(() => process.exit(code), INTERRUPT_GRACE_MS).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await runCli(
      {
        ...app,
        // Read on first use: process.stdin builds a stream (4 ms of a cold start) few commands need.
        get stdin() {
          return process.stdin;
        },
        stdout: descriptorOutput(1, () => process.stdout),
        stderr: descriptorOutput(2, () => process.stderr),
        env: process.env,
        // $HOME, else the user database, as Go's tools (docker, kubectl) find it; node:os is
        // loaded only by the commands that look there.
        get homeDir() {
          return process.getBuiltinModule('node:os').homedir();
        },
        cwd: process.cwd(),
        get signal() {
          interrupt ??= new AbortController();
          return interrupt.signal;
        },
      },
      process.argv.slice(2),
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Writes to fd 1 or 2 synchronously, as Node's stdio does for files and (on Linux) pipes, without
 * building a stream (process.stdout loads all of streams: 3 ms of a cold start). A non-blocking
 * descriptor (EAGAIN) hands the rest to the stream; a reader that went away (EPIPE, `| head`)
 * ends the output quietly, as it ends a Go tool's. Terminal questions go to the stream.
 */
function descriptorOutput(fd: 1 | 2, stream: () => NodeJS.WriteStream): OutputStream {
  let fallback: NodeJS.WriteStream | undefined;
  let closed = false;
  return {
    write(chunk: string): boolean {
      if (closed) return true;
      if (fallback !== undefined) return fallback.write(chunk);
      const bytes = Buffer.from(chunk, 'utf8');
      let offset = 0;
      while (offset < bytes.length) {
        try {
          offset += writeSync(fd, bytes, offset);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EPIPE') {
            closed = true;
            return true;
          }
          if (code !== 'EAGAIN') throw error;
          fallback = stream();
          return fallback.write(bytes.subarray(offset));
        }
      }
      return true;
    },
    get isTTY() {
      return process.getBuiltinModule('node:tty').isatty(fd);
    },
    get columns() {
      return stream().columns;
    },
  };
}
