import { Command, Option } from '@commander-js/extra-typings';
import { compileCompatibilitySpec, indexFeatures, isCompatible, mergeNodeFeatures } from '@nfd/matcher';
import { renderCompatibilityReport } from '@nfd/report';
import { loadCompatibilitySpec, loadNodeFeature, NfdError } from '@nfd/spec';
import type { CommandContext } from '../context.ts';
import { collectList, loadFile } from '../documents.ts';
import { colorEnabled } from '../terminal.ts';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function compatValidateNodeCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  return new Command('validate-node')
    .description("Validate a node's features against an image compatibility spec")
    .requiredOption('--spec <file>', 'the image compatibility spec (YAML or JSON; - reads stdin)')
    .requiredOption(
      '--features <file>',
      "a NodeFeature file with the node's features (repeatable: several are merged), e.g. from `kubectl get nodefeature`",
      collect,
    )
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
    )
    .addHelpText(
      'after',
      `
The JSON report is upstream's (nfd compat validate-node --output-json): a list of compatibility
sets with each rule's status and expressions, so tools that read upstream's report read ours.
Exit status: 0 when at least one (tag-filtered) compatibility set matches fully, 1 when none does,
2 on a usage or evaluation error.

Examples:
  ${name} compat validate-node --spec spec.yaml --features worker-1.yaml
  ${name} compat validate-node --spec spec.yaml --features worker-1.yaml --tags preferred -o json`,
    )
    .action(async (options) => {
      const spec = await loadFile(ctx.host, options.spec, 'image compatibility spec', loadCompatibilitySpec);
      if (spec.documents.length > 1) {
        ctx
          .logger()
          .warn(`${options.spec} holds ${spec.documents.length} documents; only the first is evaluated`);
      }
      const [document] = spec.documents;
      if (document === undefined) throw new NfdError('SPEC_INVALID', `${options.spec} holds no spec`);
      const features = [];
      for (const file of options.features) {
        const loaded = await loadFile(ctx.host, file, 'NodeFeature', loadNodeFeature);
        features.push(...loaded.documents.map((doc) => doc.value));
      }
      const index = indexFeatures(mergeNodeFeatures(features).spec.features);
      const format = options.outputJson === true ? 'json' : options.output;
      let statuses: ReturnType<ReturnType<typeof compileCompatibilitySpec>['evaluate']>;
      try {
        statuses = compileCompatibilitySpec(document.value).evaluate(index, {
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
