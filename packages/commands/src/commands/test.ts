import { Command, Option } from '@commander-js/extra-typings';
import { indexFeatures } from '@nfd/matcher';
import type { CommandContext } from '../context.ts';
import { type DiscoveryFlags, discoverHost, discoveryOptions } from '../discovery.ts';
import { readInput } from '../read-input.ts';
import { colorEnabled } from '../terminal.ts';
import { runRuleSource } from './dryrun.ts';

export function testCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('test')
    .description("Test a NodeFeatureRule (or NodeFeatureGroup) file against this host's live features")
    .requiredOption('-f, --nodefeaturerule-file <file>', 'the NodeFeatureRule or NodeFeatureGroup file')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json', 'yaml'] as const)
        .default('text' as const),
    );
  for (const option of discoveryOptions()) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
Discovers this host's features (as \`export features\` does) and runs the rules as \`dryrun\` does:
same output, same exit status (0 no rule errored and every output is valid, 1 otherwise).

Examples:
  ${name} test -f nodefeaturerule.yaml
  ${name} test -f nodefeaturerule.yaml --host-root /mnt/host -o json`,
    )
    .action(async (options) => {
      const ruleFile = options.nodefeatureruleFile;
      const source = await readInput(ctx.host, ruleFile);
      const flags = options as DiscoveryFlags;
      const discovered = await discoverHost(ctx, flags);
      const color = options.output === 'text' && colorEnabled(ctx.host.stdout, ctx.host.env);
      const hostLabel = flags.hostRoot === undefined ? 'this host' : `host ${flags.hostRoot}`;
      runRuleSource(ctx, source, indexFeatures(discovered.features), options.output, {
        color,
        ruleFile,
        featureFiles: [hostLabel],
      });
    });
}
