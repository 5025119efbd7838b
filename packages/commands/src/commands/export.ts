import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import { renderFeaturesJson, renderLabelsJson, toNodeFeature } from '@nfd/feature-sources';
import { NfdError } from '@nfd/spec';
import type { CommandContext } from '../context.ts';
import { type DiscoveryFlags, discoverHost, discoveryOptions } from '../discovery.ts';

async function emit(ctx: CommandContext, text: string, path: string | undefined): Promise<void> {
  if (path === undefined) {
    ctx.host.stdout.write(text);
    return;
  }
  try {
    writeFileSync(resolve(ctx.host.cwd, path), text);
  } catch (cause) {
    throw new NfdError(
      'FILE_UNREADABLE',
      `cannot write ${path}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}

function featuresCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('features')
    .description("Discover this host's features and print them as `nfd export features` does")
    .option('--path <file>', 'write to this file instead of stdout')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['json', 'yaml'] as const)
        .default('json' as const),
    )
    .option('--nodefeature', 'wrap the features in a NodeFeature object, as nfd-worker publishes them')
    .option(
      '--node-name <name>',
      'the node name of the NodeFeature object (default: $NODE_NAME, else the host name)',
    );
  for (const option of discoveryOptions()) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
JSON output is upstream's document byte for byte ({flags, attributes, instances}, keys sorted,
4-space indentation), so it can be diffed against upstream's; dryrun -n and validate-node
--features read it, and the NodeFeature form, directly.

Examples:
  ${name} export features > features.json
  ${name} export features --nodefeature --node-name worker-1 -o yaml
  ${name} export features --host-root /mnt/host --sources cpu,kernel`,
    )
    .action(async (options) => {
      const result = await discoverHost(ctx, options as DiscoveryFlags);
      let document: unknown = result.features;
      if (options.nodefeature === true) {
        const explicit = options.nodeName ?? ctx.host.env.NODE_NAME;
        const live = (options as DiscoveryFlags).hostRoot === undefined;
        // node:os only when the host name is needed (a module load on every cold start otherwise).
        const nodeName = explicit ?? (live ? process.getBuiltinModule('node:os').hostname() : undefined);
        if (nodeName === undefined || nodeName === '') {
          throw new NfdError('USAGE', 'a NodeFeature needs a node name', {
            hint: 'give --node-name (or set NODE_NAME); it defaults to the host name only for the live host',
          });
        }
        document = toNodeFeature(result.features, result.workerLabels, { nodeName });
      }
      const text =
        options.output === 'yaml'
          ? // The YAML writer (and its YAML library) loads only for YAML output.
            (await import('@nfd/spec')).stringifyForGo(document)
          : options.nodefeature === true
            ? `${JSON.stringify(document, null, 4)}\n`
            : renderFeaturesJson(result.features);
      await emit(ctx, text, options.path);
    });
}

function labelsCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('labels')
    .description("Discover this host's features and print the labels nfd-worker would create")
    .option('--path <file>', 'write to this file instead of stdout');
  for (const option of discoveryOptions()) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
As upstream \`nfd export labels\`: a JSON object of feature.node.kubernetes.io/ labels (local and
custom labels unprefixed), keys sorted; the cpuid label blacklist is not applied.

Examples:
  ${name} export labels`,
    )
    .action(async (options) => {
      const result = await discoverHost(ctx, options as DiscoveryFlags);
      await emit(ctx, renderLabelsJson(result.labels), options.path);
    });
}

export function exportCommand(ctx: CommandContext): Command {
  return new Command('export')
    .description("Export this host's features or labels")
    .addCommand(featuresCommand(ctx))
    .addCommand(labelsCommand(ctx));
}
