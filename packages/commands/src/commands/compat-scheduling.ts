import { Command, Option } from '@commander-js/extra-typings';
import { stringifyForGo } from '@nfd/spec';
import { generateScheduling, type Scheduling, specDigest } from '../cluster/scheduling-rule.ts';
import type { CommandContext } from '../context.ts';
import { specForEvaluation } from '../documents.ts';
import { connectWithFlags, type KubeFlags, kubeOptions } from '../kube/index.ts';
import { registryOptions } from '../registry-options.ts';
import { readSpecText, type SpecSourceFlags, specSourceOptions } from '../spec-source.ts';

interface SchedulingFlags extends SpecSourceFlags, KubeFlags {
  name?: string;
  apply?: boolean;
  affinityOnly?: boolean;
  output: 'yaml' | 'json';
}

/** The affinity as YAML comment lines, so the rule document stays `kubectl apply`-able. */
function commentedAffinity(scheduling: Scheduling): string {
  const lines = stringifyForGo({ affinity: scheduling.affinity }).trimEnd().split('\n');
  const legend = scheduling.sets.map(
    (set) =>
      `#   ${set.label}: set ${set.index}${set.tag === null ? '' : ` (${set.tag})`}, weight ${set.weight}${set.description === null ? '' : ` — ${set.description}`}`,
  );
  return [
    '# Labels this rule puts on nodes (value "true"):',
    ...legend,
    '# Pod spec affinity: requires one of the sets, prefers them by weight:',
    ...lines.map((line) => `# ${line}`),
    '',
  ].join('\n');
}

/** `-o json`: everything, for tools. */
function schedulingJson(scheduling: Scheduling): string {
  const { nodeFeatureRule, affinity, sets } = scheduling;
  return `${JSON.stringify({ nodeFeatureRule, affinity, sets }, null, 2)}\n`;
}

export function compatSchedulingCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('scheduling')
    .description(
      'Turn a compatibility spec into a NodeFeatureRule that labels matching nodes, and the pod nodeAffinity',
    )
    .option('--image <ref>', 'the spec attached to this image (the newest one)')
    .option('--spec <file>', 'this spec file instead (YAML or JSON; - reads stdin)')
    .option('--artifact <digest>', 'with --image: this spec artifact instead of the newest')
    .option('--name <name>', 'the NodeFeatureRule name (default: nfd-compat-<spec digest>)')
    .option(
      '--apply',
      'apply the NodeFeatureRule to the cluster (server-side apply: a re-run changes nothing)',
    )
    .option('--affinity-only', 'print only the pod affinity (YAML or JSON), to paste into a pod template')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['yaml', 'json'] as const)
        .default('yaml' as const),
    );
  for (const option of [
    ...specSourceOptions(),
    ...registryOptions(),
    ...kubeOptions().filter((option) => option.long !== '--namespace' && option.long !== '--request-timeout'),
  ]) {
    command.addOption(option);
  }
  return command
    .addHelpText(
      'after',
      `
Every compatibility set becomes node label compat.feature.node.kubernetes.io/<digest>-set-<i>: "true",
where <digest> is the first 12 hex digits of the spec's sha256, so specs of different images never
share labels. The rule has one rule per spec rule (same matchFeatures/matchAny, setting a var) and
one per set that matches rule.matched with all of the set's vars IsTrue and sets the label: a set
labels exactly the nodes on which validate-node finds it compatible. nfd-master applies it once the
rule exists (NFD must be installed). The affinity requires one of the labels (a nodeSelectorTerm per
set) and prefers each by its set's weight, clamped to Kubernetes' 1-100 (no weight: 1).
Specs that match rule.matched themselves are refused; vars of spec rules are left out.

YAML output is the NodeFeatureRule (kubectl apply -f - takes it) with the affinity as a comment;
JSON output is {"nodeFeatureRule", "affinity", "sets"}.

Examples:
  ${name} compat scheduling --spec spec.yaml
  ${name} compat scheduling --image registry.example/app:1.0 | kubectl apply -f -
  ${name} compat scheduling --image registry.example/app:1.0 --apply --affinity-only
  ${name} compat scheduling --spec spec.yaml -o json | jq .affinity`,
    )
    .action(async (options) => {
      const flags = options as SchedulingFlags;
      const text = await readSpecText(ctx, flags);
      const spec = specForEvaluation(ctx, text);
      const scheduling = generateScheduling(spec, {
        digest: specDigest(text.source),
        source: text.file,
        ...(flags.name === undefined ? {} : { name: flags.name }),
      });
      const logger = ctx.logger();
      for (const warning of scheduling.warnings) logger.warn(warning);
      if (flags.apply === true) {
        const client = await connectWithFlags(ctx, flags);
        const { generation } = await client.applyNodeFeatureRule(scheduling.nodeFeatureRule);
        logger.info(
          `applied NodeFeatureRule ${scheduling.nodeFeatureRule.metadata?.name ?? ''} (generation ${generation})`,
        );
      }
      if (flags.affinityOnly === true) {
        ctx.host.stdout.write(
          flags.output === 'json'
            ? `${JSON.stringify({ affinity: scheduling.affinity }, null, 2)}\n`
            : stringifyForGo({ affinity: scheduling.affinity }),
        );
        return;
      }
      ctx.host.stdout.write(
        flags.output === 'json'
          ? schedulingJson(scheduling)
          : `${stringifyForGo(scheduling.nodeFeatureRule)}${commentedAffinity(scheduling)}`,
      );
    });
}
