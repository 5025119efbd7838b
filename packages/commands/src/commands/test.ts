import { Command, Option } from '@commander-js/extra-typings';
import { indexFeatures } from '@nfd/matcher';
import { type Features, NfdError } from '@nfd/spec';
import type { CommandContext } from '../context.ts';
import { type DiscoveryFlags, discoverHost, discoveryOptions, refuseDiscoveryFlags } from '../discovery.ts';
import { type InputLimitFlags, maxSpecSizeOption, specSizeLimit } from '../input-limits.ts';
import { nodeFeaturesOfNode } from '../kube/node-features.ts';
import { connectWithFlags, type KubeFlags, kubeOptions } from '../kube/options.ts';
import { readInput } from '../read-input.ts';
import { colorEnabled } from '../terminal.ts';
import { runRuleSource } from './dryrun.ts';

/** `-n NODE` / `--node NODE` (the same flag, upstream's and kubectl's spelling), or undefined. */
export function nodeFlag(options: { nodename?: string; node?: string }): string | undefined {
  if (options.nodename !== undefined && options.node !== undefined && options.nodename !== options.node) {
    throw new NfdError('USAGE', `-n/--nodename "${options.nodename}" and --node "${options.node}" differ`, {
      hint: 'give the node once',
    });
  }
  return options.nodename ?? options.node;
}

export function testCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('test')
    .description(
      "Test a NodeFeatureRule (or NodeFeatureGroup) file against a cluster node's NodeFeatures (-n) or this host's live features",
    )
    .requiredOption('-f, --nodefeaturerule-file <file>', 'the NodeFeatureRule or NodeFeatureGroup file')
    .option('-n, --nodename <node>', "the cluster node whose NodeFeature objects to use (upstream's flag)")
    .option('--node <node>', 'the same as -n/--nodename')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json', 'yaml'] as const)
        .default('text' as const),
    );
  for (const option of [
    maxSpecSizeOption(),
    ...kubeOptions({ shortKubeconfig: true }),
    ...discoveryOptions(),
  ])
    command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
With -n NODE it reads the node's NodeFeature objects from the cluster (every object labelled
nfd.node.kubernetes.io/node-name=NODE, in all namespaces unless --namespace is given, merged in the
order the cluster lists them, as upstream's \`kubectl nfd test\` does). Without -n it discovers this
host's features (as \`export features\` does). Either way it runs the rules as \`dryrun\` does:
same output, same exit status (0 no rule errored and every output is valid, 1 otherwise).

Examples:
  ${name} test -f nodefeaturerule.yaml -n worker-1
  ${name} test -f nodefeaturerule.yaml -n worker-1 --kubeconfig ~/.kube/prod --context prod -o json
  ${name} test -f nodefeaturerule.yaml
  ${name} test -f nodefeaturerule.yaml --host-root /mnt/host -o json`,
    )
    .action(async (options) => {
      const ruleFile = options.nodefeatureruleFile;
      const node = nodeFlag(options);
      const flags = options as DiscoveryFlags & KubeFlags;
      let features: Features;
      let label: string;
      const source = await readInput(ctx.host, ruleFile, specSizeLimit(options as InputLimitFlags));
      if (node === undefined) {
        for (const [key, flag] of [
          ['kubeconfig', '--kubeconfig'],
          ['context', '--context'],
          ['namespace', '--namespace'],
        ] as const) {
          if (flags[key] !== undefined) {
            throw new NfdError('USAGE', `${flag} goes with -n NODE`, {
              hint: `${name} test -f ${ruleFile} -n NODE ${flag} …`,
            });
          }
        }
        features = (await discoverHost(ctx, flags)).features;
        label = flags.hostRoot === undefined ? 'this host' : `host ${flags.hostRoot}`;
      } else {
        refuseDiscoveryFlags(flags, '-n NODE');
        const client = await connectWithFlags(ctx, flags);
        const merged = await nodeFeaturesOfNode(client, node, {
          order: 'list',
          ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
        });
        features = merged.spec.features;
        label = `node ${node}`;
      }
      const color = options.output === 'text' && colorEnabled(ctx.host.stdout, ctx.host.env);
      runRuleSource(ctx, source, indexFeatures(features), options.output, {
        color,
        ruleFile,
        featureFiles: [label],
        ...(node === undefined ? {} : { node }),
      });
    });
}
