import type { CliHost } from './host.ts';
import { createLogger, type Logger } from './terminal.ts';

/** Per-run state shared by the command actions of one program. */
export interface CommandContext {
  readonly host: CliHost;
  /** The exit status the run ends with unless an error ends it first. */
  exitCode: number;
  /** The stderr logger; `--debug` (a global flag) turns on debug lines. */
  logger(): Logger;
}

export function createContext(host: CliHost, isDebug: () => boolean): CommandContext {
  return {
    host,
    exitCode: 0,
    logger: () => createLogger(host, { debug: isDebug() }),
  };
}
