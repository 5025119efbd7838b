import { Command, Option } from '@commander-js/extra-typings';
import { validateNodeFeatureGroup, validateNodeFeatureRule } from '@nfd/matcher';
import { renderRuleValidation } from '@nfd/report';
import { loadNodeFeatureGroup, loadNodeFeatureRule, type SpecIssue } from '@nfd/spec';
import type { CommandContext } from '../context.ts';
import { documentKind, firstLoaded } from '../documents.ts';
import { type InputLimitFlags, maxSpecSizeOption, specSizeLimit } from '../input-limits.ts';
import { readInput } from '../read-input.ts';
import { colorEnabled } from '../terminal.ts';

export function validateCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('validate')
    .description('Validate a NodeFeatureRule (or NodeFeatureGroup) file')
    .requiredOption(
      '-f, --nodefeaturerule-file <file>',
      'the NodeFeatureRule or NodeFeatureGroup file (- reads stdin)',
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json', 'yaml'] as const)
        .default('text' as const),
    );
  command.addOption(maxSpecSizeOption());
  return command
    .addHelpText(
      'after',
      `
Checks what upstream \`kubectl nfd validate\` checks (rule names, labels, annotations, taints,
extended resources, templates, feature names) and, beyond it, every match expression: operator,
value count, regular expressions, integers and versions, range bounds and type. Every problem is
reported with file:line:column and its field path. apiVersion nfd.k8s-sigs.io/v1alpha1 and
OpenShift's nfd.openshift.io/v1alpha1 are accepted; any other, and any unknown field, is an error.
Exit status: 0 valid, 1 not valid, 2 usage error or unreadable file.

Examples:
  ${name} validate -f nodefeaturerule.yaml
  ${name} validate -f nodefeaturerule.yaml -o json`,
    )
    .action(async (options) => {
      const file = options.nodefeatureruleFile;
      const source = await readInput(ctx.host, file, specSizeLimit(options as InputLimitFlags));
      const isGroup = documentKind(source) === 'NodeFeatureGroup';
      let issues: SpecIssue[];
      let rules: string[] = [];
      if (isGroup) {
        const loaded = loadNodeFeatureGroup(source, { file });
        issues = loaded.ok
          ? validateNodeFeatureGroup(firstLoaded(ctx, loaded.documents, file), file)
          : loaded.issues;
        if (loaded.ok)
          rules = firstLoaded(ctx, loaded.documents, file, false).value.spec.featureGroupRules.map(
            (r) => r.name,
          );
      } else {
        const loaded = loadNodeFeatureRule(source, { file });
        issues = loaded.ok
          ? validateNodeFeatureRule(firstLoaded(ctx, loaded.documents, file), file)
          : loaded.issues;
        if (loaded.ok)
          rules = firstLoaded(ctx, loaded.documents, file, false).value.spec.rules.map((r) => r.name);
      }
      const errors = issues.filter((issue) => issue.severity === 'error');
      const color = options.output === 'text' && colorEnabled(ctx.host.stdout, ctx.host.env);
      ctx.host.stdout.write(
        renderRuleValidation(
          {
            file,
            kind: isGroup ? 'NodeFeatureGroup' : 'NodeFeatureRule',
            valid: errors.length === 0,
            issues: errors,
            rules,
            source,
          },
          options.output,
          { color },
        ),
      );
      ctx.exitCode = errors.length === 0 ? 0 : 1;
    });
}
