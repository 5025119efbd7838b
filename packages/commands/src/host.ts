import type { Readable } from 'node:stream';

/** A stream the CLI writes to: process.stdout in the apps, a buffer in tests. */
export interface OutputStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Everything the command tree may take from the outside world. Only the apps build one from
 * `process`; tests build one from buffers, so no command reads `process` itself.
 */
export interface CliHost {
  /** The name users type: usage lines and examples say `kubectl nfd …` in the plugin. */
  displayName: 'nfd' | 'kubectl nfd';
  version: string;
  /** True in the kubectl plugin. */
  kube: boolean;
  stdin: Readable;
  stdout: OutputStream;
  stderr: OutputStream;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The user's home directory (`~/.docker/config.json`, `~/.kube/config`); "" for none, then only
   * files named by the environment or flags are read. Tests pass an empty one.
   */
  homeDir: string;
  /** Relative paths in arguments resolve against this directory. */
  cwd: string;
  /**
   * Aborted on SIGINT (Ctrl-C) or SIGTERM: network work stops, what an interrupted write left is
   * named, the exit status is 130 (143 when the reason has `exitCode: 143`).
   */
  signal?: AbortSignal;
}
