import { Readable } from 'node:stream';
import type { CliHost } from '../src/host.ts';
import { runCli } from '../src/program.ts';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestHostOptions {
  kube?: boolean;
  stdin?: string;
  env?: Record<string, string>;
  tty?: boolean;
  cwd?: string;
  /** The host's home directory; default "" (none: no ~/.docker or ~/.kube is read). */
  homeDir?: string;
}

/** Runs the tree in-process with buffers for streams: a fresh program and host per call. */
export async function run(args: string[], options: TestHostOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const host: CliHost = {
    displayName: options.kube === true ? 'kubectl nfd' : 'nfd',
    version: '1.2.3',
    kube: options.kube === true,
    stdin: Readable.from([options.stdin ?? '']),
    stdout: { write: (chunk: string) => (stdout += chunk), isTTY: options.tty === true },
    stderr: { write: (chunk: string) => (stderr += chunk), isTTY: options.tty === true },
    env: options.env ?? {},
    homeDir: options.homeDir ?? '',
    cwd: options.cwd ?? process.cwd(),
  };
  const code = await runCli(host, args);
  return { code, stdout, stderr };
}

/** The command names listed under "Commands:" in a help text. */
export function commandNames(help: string): string[] {
  const section = help.split(/^Commands:\n/m)[1]?.split(/\n\n/)[0] ?? '';
  return [...section.matchAll(/^ {2}([a-z-]+)/gm)].map((match) => match[1] ?? '');
}
