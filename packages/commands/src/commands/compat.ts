import { Command } from '@commander-js/extra-typings';
import type { CommandContext } from '../context.ts';
import { compatAttachSpecCommand } from './compat-attach-spec.ts';
import { compatJobCommand } from './compat-job.ts';
import { compatListSpecsCommand } from './compat-list-specs.ts';
import { compatRemoveSpecCommand } from './compat-remove-spec.ts';
import { compatSchedulingCommand } from './compat-scheduling.ts';
import { compatSelectImageCommand } from './compat-select-image.ts';
import { compatValidateClusterCommand } from './compat-validate-cluster.ts';
import { compatValidateNodeCommand } from './compat-validate-node.ts';
import { compatValidateSpecCommand } from './compat-validate-spec.ts';

export function compatCommand(ctx: CommandContext): Command {
  return new Command('compat')
    .description('Image compatibility: check specs and the artifacts that carry them')
    .addCommand(compatAttachSpecCommand(ctx))
    .addCommand(compatRemoveSpecCommand(ctx))
    .addCommand(compatListSpecsCommand(ctx))
    .addCommand(compatValidateSpecCommand(ctx))
    .addCommand(compatValidateNodeCommand(ctx))
    .addCommand(compatValidateClusterCommand(ctx))
    .addCommand(compatSelectImageCommand(ctx))
    .addCommand(compatJobCommand(ctx))
    .addCommand(compatSchedulingCommand(ctx));
}
