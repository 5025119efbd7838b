import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from '../context.ts';
import { compatValidateNodeCommand } from './compat-validate-node.ts';
import { compatValidateSpecCommand } from './compat-validate-spec.ts';

export function compatCommand(ctx: CommandContext): Command {
  return new Command('compat')
    .description('Image compatibility: check specs and the artifacts that carry them')
    .addCommand(compatValidateSpecCommand(ctx))
    .addCommand(compatValidateNodeCommand(ctx));
}
