import { Command, Option } from '@commander-js/extra-typings';
import { compileCompatibilitySpec, indexFeatures, isCompatible } from '@nfd/matcher';
import { renderCompatibilityReport } from '@nfd/report';
import { type Features, NfdError } from '@nfd/spec';
import type { CommandContext } from '../context.ts';
import { type DiscoveryFlags, discoverHost, discoveryOptions, refuseDiscoveryFlags } from '../discovery.ts';
import { loadFeatureFiles, specForEvaluation } from '../documents.ts';
import { type InputLimitFlags, maxNodeFeatureSizeOption } from '../input-limits.ts';
import { DEFAULT_NFD_NAMESPACE, nodeFeaturesOfNode } from '../kube/node-features.ts';
import { connectWithFlags, type KubeFlags, kubeOptions } from '../kube/options.ts';
import { collectList, collectRepeated } from '../option-values.ts';
import { registryOptions } from '../registry-options.ts';
import { readSpecText, type SpecSourceFlags, specSourceOptions } from '../spec-source.ts';
import { colorEnabled } from '../terminal.ts';

export function compatValidateNodeCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('validate-node')
    .description("Validate a node's features against an image compatibility spec")
    .option(
      '--image <ref>',
      'validate against the compatibility spec attached to this image (the newest one)',
    )
    .option('--spec <file>', 'validate against this spec file instead (YAML or JSON; - reads stdin)')
    .option('--artifact <digest>', 'with --image: this spec artifact instead of the newest')
    .option(
      '--features <file>',
      "the node's features instead of this host's: a NodeFeature or `export features` file (repeatable: several are merged)",
      collectRepeated,
    )
    .option('--node <node>', "a cluster node: its NodeFeature objects instead of this host's features")
    .option(
      '--tags <tags>',
      'evaluate only the compatibility sets with one of these tags (repeatable, comma-separated)',
      collectList,
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'yaml'] as const)
        .default('table' as const),
    )
    .option('--output-json', "print upstream's JSON report (the same as -o json)")
    .option(
      '--explain',
      'add what the node has for each expression to JSON/YAML output (the table always shows it for failures)',
    );
  for (const option of [
    ...specSourceOptions(),
    maxNodeFeatureSizeOption(),
    ...registryOptions(),
    ...kubeOptions().filter((option) => option.long !== '--request-timeout'),
    nfdNamespaceOption(),
    ...discoveryOptions(),
  ])
    command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
The JSON report is upstream's (nfd compat validate-node --output-json): a list of compatibility
sets with each rule's status and expressions, so tools that read upstream's report read ours.
Exit status: 0 when at least one (tag-filtered) compatibility set matches fully, 1 when none does,
2 on a usage or evaluation error.

With --node NODE the features are the node's NodeFeature objects in the cluster (labelled
nfd.node.kubernetes.io/node-name=NODE, all namespaces unless --namespace), merged as nfd-master merges
them. With --features they are read from files. Otherwise it discovers this host's features (as
\`export features\` does).

Examples:
  ${name} compat validate-node --image registry.example/app:1.0
  ${name} compat validate-node --image registry.example/app:1.0 --platform linux/arm64 --output-json
  ${name} compat validate-node --spec spec.yaml
  ${name} compat validate-node --spec spec.yaml --features worker-1.yaml
  ${name} compat validate-node --spec spec.yaml --features worker-1.yaml --tags preferred -o json`,
    )
    .action(async (options) => {
      const text = await readSpecText(ctx, options as SpecSourceFlags);
      const spec = specForEvaluation(ctx, text);
      const features = await nodeFeatures(ctx, options);
      const index = indexFeatures(features);
      const format = options.outputJson === true ? 'json' : options.output;
      let statuses: ReturnType<ReturnType<typeof compileCompatibilitySpec>['evaluate']>;
      try {
        statuses = compileCompatibilitySpec(spec).evaluate(index, {
          tags: options.tags ?? [],
          explain: true,
        });
      } catch (cause) {
        throw new NfdError('EVALUATION', cause instanceof Error ? cause.message : String(cause), { cause });
      }
      if (statuses.length === 0 && (options.tags ?? []).length > 0) {
        ctx.logger().warn(`no compatibility set has one of the tags ${(options.tags ?? []).join(', ')}`);
      }
      const color = format === 'table' && colorEnabled(ctx.host.stdout, ctx.host.env);
      ctx.host.stdout.write(
        renderCompatibilityReport(statuses, format, { color, explain: options.explain === true }),
      );
      ctx.exitCode = isCompatible(statuses) ? 0 : 1;
    });
}

/** `--nfd-namespace`: whose NodeFeature objects nfd-master merges first (matching.md §1.2). */
export function nfdNamespaceOption(): Option {
  return new Option(
    '--nfd-namespace <ns>',
    'the namespace of nfd-master: its NodeFeature objects come first when several of a node are merged',
  )
    .default(DEFAULT_NFD_NAMESPACE)
    .helpGroup('Kubernetes flags:');
}

interface NodeSourceFlags extends DiscoveryFlags, KubeFlags, InputLimitFlags {
  node?: string;
  features?: string[];
  nfdNamespace?: string;
}

/** The features to validate: a cluster node's (--node), files' (--features), or this host's. */
async function nodeFeatures(ctx: CommandContext, flags: NodeSourceFlags): Promise<Features> {
  if (flags.node !== undefined) {
    if (flags.features !== undefined) throw new NfdError('USAGE', '--node and --features cannot go together');
    refuseDiscoveryFlags(flags, '--node');
    const client = await connectWithFlags(ctx, flags);
    const merged = await nodeFeaturesOfNode(client, flags.node, {
      order: 'master',
      nfdNamespace: flags.nfdNamespace ?? DEFAULT_NFD_NAMESPACE,
      ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
    });
    return merged.spec.features;
  }
  for (const [key, flag] of [
    ['kubeconfig', '--kubeconfig'],
    ['context', '--context'],
    ['namespace', '--namespace'],
  ] as const) {
    if (flags[key] !== undefined) throw new NfdError('USAGE', `${flag} goes with --node NODE`);
  }
  return flags.features === undefined
    ? (await discoverHost(ctx, flags)).features
    : await loadFeatureFiles(ctx, flags.features, flags);
}
