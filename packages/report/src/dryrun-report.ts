import type { DryrunResult, GroupDryrunResult, GroupRuleRunResult, RuleRunResult, Taint } from '@nfd/spec';
import { stringifyForGo } from '@nfd/spec';
import { createStyler } from './style.ts';

// The `dryrun` output (matching.md §9.3): JSON is the contract's document; text follows upstream
// `kubectl nfd dryrun` (header, one line per rule, then Taints, Labels, Extended Resources and
// Annotations), sorted so it is stable, with the errors and a verdict line at the end.

// The shapes are @nfd/spec's result types, which @nfd/matcher produces; the names here are this package's.

/** The taint fields the JSON/YAML document writes (`timeAdded` left out). */
export type TaintOutput = Pick<Taint, 'key' | 'value' | 'effect'>;
export type RuleRun = RuleRunResult;
export type DryrunReport = DryrunResult;
export type GroupRuleRun = GroupRuleRunResult;
export type GroupDryrunReport = GroupDryrunResult;

export interface DryrunRenderOptions {
  color?: boolean;
  /** The files, for the text header and verdict: the rule file and the NodeFeature file(s). */
  ruleFile: string;
  featureFiles: readonly string[];
  /** A cluster node (`test -n NODE`): upstream's "against Node N" wording instead of the files. */
  node?: string;
}

export type DryrunFormat = 'text' | 'json' | 'yaml';

function toDocument(report: DryrunReport): DryrunReport {
  return {
    rules: report.rules.map((rule) => ({
      name: rule.name,
      matched: rule.matched,
      ...(rule.error === undefined ? {} : { error: rule.error }),
      labels: rule.labels,
      annotations: rule.annotations,
      vars: rule.vars,
      extendedResources: rule.extendedResources,
      taints: rule.taints.map(taintDocument),
    })),
    labels: report.labels,
    annotations: report.annotations,
    extendedResources: report.extendedResources,
    taints: report.taints.map(taintDocument),
    errors: report.errors,
  };
}

function taintDocument(taint: TaintOutput): TaintOutput {
  return {
    key: taint.key,
    ...(taint.value === undefined ? {} : { value: taint.value }),
    effect: taint.effect,
  };
}

function quoted(files: readonly string[]): string {
  return files.map((file) => JSON.stringify(file)).join(', ');
}

function entries(record: Readonly<Record<string, string>>): string[] {
  return Object.keys(record)
    .sort()
    .map((key) => `${key}=${record[key]}`);
}

/** A NodeFeatureRule dry run. */
export function renderDryrun(
  report: DryrunReport,
  format: DryrunFormat,
  options: DryrunRenderOptions,
): string {
  if (format === 'json') return `${JSON.stringify(toDocument(report), null, 2)}\n`;
  if (format === 'yaml') return stringifyForGo(toDocument(report));
  const style = createStyler(options.color ?? false);
  const out = [
    options.node === undefined
      ? `Evaluating NodeFeatureRule ${JSON.stringify(options.ruleFile)} against NodeFeature ${quoted(options.featureFiles)}`
      : `Evaluating NodeFeatureRule against Node ${options.node}`,
  ];
  // Upstream's line, exactly (Go's Println of two values: two spaces); which rules matched is in
  // the JSON/YAML output.
  for (const rule of report.rules) out.push(`Processing rule:  ${rule.name}`);
  const section = (title: string, lines: string[]): void => {
    if (lines.length === 0) return;
    out.push(style('bold', `***\t${title}\t***`), ...lines);
  };
  // Go prints a corev1.Taint value as a struct: {key value effect <nil>} (timeAdded unset).
  section(
    'Taints',
    report.taints.map((taint) => `{${taint.key} ${taint.value ?? ''} ${taint.effect} <nil>}`),
  );
  section('Labels', entries(report.labels));
  section('Extended Resources', entries(report.extendedResources));
  section('Annotations', entries(report.annotations));
  section(
    'Errors',
    report.errors.map((error) => style('red', error)),
  );
  const verdict = report.errors.length === 0 ? 'is valid' : 'is not valid';
  out.push(
    options.node === undefined
      ? `NodeFeatureRule ${JSON.stringify(options.ruleFile)} ${verdict} for NodeFeature ${quoted(options.featureFiles)}`
      : `NodeFeatureRule ${verdict} for Node ${options.node}`,
  );
  return `${out.join('\n')}\n`;
}

/** A NodeFeatureGroup dry run: each rule's match and vars, and the node's membership. */
export function renderGroupDryrun(
  report: GroupDryrunReport,
  format: DryrunFormat,
  options: DryrunRenderOptions,
): string {
  if (format === 'json') return `${JSON.stringify(report, null, 2)}\n`;
  if (format === 'yaml') return stringifyForGo(report);
  const style = createStyler(options.color ?? false);
  const out = [
    `Evaluating NodeFeatureGroup ${JSON.stringify(options.ruleFile)} against NodeFeature ${quoted(options.featureFiles)}`,
  ];
  for (const rule of report.rules) {
    out.push(`Processing rule:  ${rule.name}`);
    if (rule.error !== undefined) {
      out.push(style('red', `Rule ${JSON.stringify(rule.name)} failed: ${rule.error}`));
      continue;
    }
    out.push(`Rule ${JSON.stringify(rule.name)} ${rule.matched ? 'matched' : 'did not match'}`);
    const vars = entries(rule.vars);
    if (rule.matched && vars.length > 0) out.push('***\tVars\t***', ...vars);
  }
  out.push(report.matched ? 'The node is a member of the group' : 'The node is not a member of the group');
  const verdict = report.errors.length === 0 ? 'is valid' : 'is not valid';
  out.push(
    `NodeFeatureGroup ${JSON.stringify(options.ruleFile)} ${verdict} for NodeFeature ${quoted(options.featureFiles)}`,
  );
  return `${out.join('\n')}\n`;
}
