import type { CliHost } from './host.ts';
import { runCli } from './program.ts';

/** What distinguishes one app from the other. */
export type AppIdentity = Pick<CliHost, 'displayName' | 'version' | 'kube'>;

/** Runs the command tree on this process's argv and streams; the apps' whole job. */
export function runProcess(app: AppIdentity): Promise<number> {
  return runCli(
    {
      ...app,
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
    },
    process.argv.slice(2),
  );
}
