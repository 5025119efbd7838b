import { Command } from '@commander-js/extra-typings';

/** The `compat` group; program.ts adds its subcommands (each loaded when it runs). */
export function compatCommand(): Command {
  return new Command('compat').description(
    'Image compatibility: check specs and the artifacts that carry them',
  );
}
