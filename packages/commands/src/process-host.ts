import { homedir } from 'node:os';
import type { CliHost } from './host.ts';
import { runCli } from './program.ts';

/** What distinguishes one app from the other. */
export type AppIdentity = Pick<CliHost, 'displayName' | 'version' | 'kube'>;

/** Runs the command tree on this process's argv and streams; the apps' whole job. */
export async function runProcess(app: AppIdentity): Promise<number> {
  const interrupt = new AbortController();
  // The first Ctrl-C cancels in-flight work cleanly; a second one kills the process as usual.
  const onSigint = (): void => {
    process.off('SIGINT', onSigint);
    interrupt.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  try {
    return await runCli(
      {
        ...app,
        // Read on first use: process.stdin builds a stream (4 ms of a cold start) few commands need.
        get stdin() {
          return process.stdin;
        },
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        // $HOME, else the user database, as Go's tools (docker, kubectl) find it.
        homeDir: homedir(),
        cwd: process.cwd(),
        signal: interrupt.signal,
      },
      process.argv.slice(2),
    );
  } finally {
    process.off('SIGINT', onSigint);
  }
}
