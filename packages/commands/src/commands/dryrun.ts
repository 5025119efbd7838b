import { Command, Option } from '@commander-js/extra-typings';
import {
  compileGroupRuleSet,
  compileRuleSet,
  type FeatureIndex,
  indexFeatures,
  type UndecodedRule,
} from '@nfd/matcher';
import { renderDryrun, renderGroupDryrun } from '@nfd/report';
import {
  type EvaluatedRuleFile,
  type GroupRule,
  loadRuleFileForEvaluation,
  NfdError,
  type Rule,
} from '@nfd/spec';
import type { CommandContext } from '../context.ts';
import { loadFeatureFiles, reportLoadWarnings } from '../documents.ts';
import {
  type InputLimitFlags,
  maxNodeFeatureSizeOption,
  maxSpecSizeOption,
  specSizeLimit,
} from '../input-limits.ts';
import { collectRepeated } from '../option-values.ts';
import { readInput } from '../read-input.ts';
import { colorEnabled } from '../terminal.ts';

export function dryrunCommand(ctx: CommandContext): Command {
  const name = ctx.host.displayName;
  const command = new Command('dryrun')
    .description('Process a NodeFeatureRule (or NodeFeatureGroup) file against NodeFeature files')
    .requiredOption('-f, --nodefeaturerule-file <file>', 'the NodeFeatureRule or NodeFeatureGroup file')
    .requiredOption(
      '-n, --nodefeature-file <file>',
      'a NodeFeature file (repeatable: several are merged as nfd-master merges them)',
      collectRepeated,
    )
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['text', 'json', 'yaml'] as const)
        .default('text' as const),
    );
  for (const option of [maxSpecSizeOption(), maxNodeFeatureSizeOption()]) command.addOption(option);
  return command
    .addHelpText(
      'after',
      `
Rules run in file order, stopping at the first failing term (as nfd-master does); each rule's
labels and vars are fed back to later rules as the rule.matched feature. Labels, annotations and
extended resources get the feature.node.kubernetes.io/ prefix when they have none, @ values are
resolved, and every output is validated.
The files are read as upstream reads them (Go's YAML: y/on/yes are true, 0755 is 493; unknown
fields ignored with a warning; both nfd.k8s-sigs.io/v1alpha1 and nfd.openshift.io/v1alpha1); a
rule that cannot be read or evaluated gets its own error while the others run; every NodeFeatureRule
document of the file is used. A -n file must be a NodeFeature (or \`nfd export features\` output).
Exit status: 0 no rule errored and every output is valid, 1 otherwise (or unusable input), 2 usage error.

Examples:
  kubectl get nodefeature -n node-feature-discovery worker-1 -o yaml > worker-1.yaml
  ${name} dryrun -f nodefeaturerule.yaml -n worker-1.yaml
  ${name} dryrun -f nodefeaturerule.yaml -n base.yaml -n extra.yaml -o json`,
    )
    .action(async (options) => {
      const ruleFile = options.nodefeatureruleFile;
      const featureFiles = options.nodefeatureFile;
      const color = options.output === 'text' && colorEnabled(ctx.host.stdout, ctx.host.env);
      const render = { color, ruleFile, featureFiles };
      let index: ReturnType<typeof indexFeatures>;
      let source: string;
      try {
        index = indexFeatures(await loadFeatureFiles(ctx, featureFiles, options as InputLimitFlags));
        source = await readInput(ctx.host, ruleFile, specSizeLimit(options as InputLimitFlags));
      } catch (error) {
        // Unusable input is a clean "no" with the problem in the result (matching.md §9.3); a file
        // that is no NodeFeature at all is a usage error (§9.4).
        if (!(error instanceof NfdError) || error.code === 'USAGE') throw error;
        unusableInput(ctx, error, options.output, render);
        return;
      }
      runRuleSource(ctx, source, index, options.output, render);
    });
}

/** Unusable input is a clean "no" with the problem in the result (matching.md §9.3): exit 1. */
function unusableInput(
  ctx: CommandContext,
  error: NfdError,
  format: 'text' | 'json' | 'yaml',
  render: Parameters<typeof renderDryrun>[2],
): void {
  const errors = error.hint === undefined ? [error.message] : [error.message, `hint: ${error.hint}`];
  ctx.host.stdout.write(
    renderDryrun(
      { rules: [], labels: {}, annotations: {}, extendedResources: {}, taints: [], errors },
      format,
      render,
    ),
  );
  ctx.exitCode = 1;
}

/**
 * Runs a NodeFeatureRule or NodeFeatureGroup file's rules against one node's features and prints
 * the result (shared by `dryrun` and `test`); sets the exit status. The file is read as upstream
 * reads it (matching.md §9.4): a rule that does not decode is an errored entry of its own.
 */
export function runRuleSource(
  ctx: CommandContext,
  source: string,
  index: FeatureIndex,
  format: 'text' | 'json' | 'yaml',
  render: Parameters<typeof renderDryrun>[2],
): void {
  const ruleFile = render.ruleFile;
  let loaded: EvaluatedRuleFile;
  try {
    loaded = loadRuleFileForEvaluation(source, { file: ruleFile });
  } catch (error) {
    if (!(error instanceof NfdError)) throw error;
    unusableInput(ctx, error, format, render);
    return;
  }
  reportLoadWarnings(ctx, loaded.warnings);
  const rules = loaded.rules.map((entry) =>
    'error' in entry ? { name: entry.name, decodeError: entry.error } : entry.rule,
  );
  if (loaded.kind === 'NodeFeatureGroup') {
    const result = compileGroupRuleSet(rules as (GroupRule | UndecodedRule)[]).run(index);
    ctx.host.stdout.write(renderGroupDryrun(result, format, render));
    ctx.exitCode = result.errors.length === 0 ? 0 : 1;
    return;
  }
  const result = compileRuleSet(rules as (Rule | UndecodedRule)[]).run(index);
  ctx.host.stdout.write(renderDryrun(result, format, render));
  ctx.exitCode = result.errors.length === 0 ? 0 : 1;
}
