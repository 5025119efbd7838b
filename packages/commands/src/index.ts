export type { CommandContext } from './context.ts';
export type { CliHost, OutputStream } from './host.ts';
export type { AppIdentity } from './process-host.ts';
export { runProcess } from './process-host.ts';
export { createProgram, EXIT_ERROR, EXIT_NO, EXIT_OK, listCommands, runCli } from './program.ts';
export { renderCommandReference } from './reference.ts';
