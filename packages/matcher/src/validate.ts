// `validate`: the checks of upstream `kubectl nfd validate` (matching.md §9.1) on every rule,
// plus, beyond upstream, every match expression (§9.3), each issue located in the file.
import type {
  FeatureMatcherTerm,
  GroupRule,
  LoadedDocument,
  MatchExpression,
  NodeFeatureGroup,
  NodeFeatureRule,
  Rule,
  SpecIssue,
} from '@nfd/spec';
import { formatIssuePath } from '@nfd/spec';
import { checkExpressionProblems, type ExpressionErrorKind } from './expression.ts';
import {
  annotationError,
  describeInvalid,
  extendedResourceError,
  labelError,
  taintError,
} from './output-validation.ts';
import { parseTemplate, TemplateError } from './template/index.ts';

type Path = readonly (string | number)[];

export interface Finding {
  path: Path;
  message: string;
  /** A position inside the string at `path` (a template's own line, 0-based column), when known. */
  within?: { line: number; column: number };
}

/** Upstream replaces dynamic values by a zero quantity before validating (validate.go). */
function withoutDynamicValues(entries: Readonly<Record<string, string>> | undefined): [string, string][] {
  return Object.entries(entries ?? {}).map(([key, value]) => [key, value.startsWith('@') ? '0' : value]);
}

function checkTemplate(source: string | undefined, path: Path, findings: Finding[]): void {
  if (source === undefined || source === '') return;
  try {
    parseTemplate(source, { name: String(path.at(-1)) });
  } catch (error) {
    const within =
      error instanceof TemplateError && error.line !== undefined
        ? { line: error.line, column: error.column ?? 0 }
        : undefined;
    findings.push({
      path,
      message: `invalid template: ${error instanceof Error ? error.message : String(error)}`,
      ...(within === undefined ? {} : { within }),
    });
  }
}

/** Expression problem kinds a caller checks elsewhere and wants left out. */
export interface CheckOptions {
  skip?: readonly ExpressionErrorKind[];
  /** False when the caller checks rule names itself. */
  names?: boolean;
}

function checkExpressionAt(
  expression: MatchExpression,
  path: Path,
  findings: Finding[],
  options: CheckOptions,
): void {
  for (const problem of checkExpressionProblems(expression)) {
    if (options.skip?.includes(problem.kind) === true) continue;
    findings.push({ path, message: problem.message });
  }
}

function checkTerms(
  terms: readonly FeatureMatcherTerm[] | undefined,
  path: Path,
  findings: Finding[],
  options: CheckOptions,
): void {
  for (const [i, term] of (terms ?? []).entries()) {
    const at = [...path, i];
    // Upstream validate wants exactly one dot (Q9), although the engine takes any feature name.
    if (term.feature.split('.').length !== 2) {
      findings.push({
        path: [...at, 'feature'],
        message: `invalid feature name ${term.feature} (not <domain>.<feature>), cannot be used for templating`,
      });
    }
    for (const [key, expression] of Object.entries(term.matchExpressions ?? {})) {
      checkExpressionAt(expression, [...at, 'matchExpressions', key], findings, options);
    }
    if (term.matchName !== undefined)
      checkExpressionAt(term.matchName, [...at, 'matchName'], findings, options);
  }
}

function checkMatchers(rule: GroupRule, path: Path, findings: Finding[], options: CheckOptions): void {
  checkTerms(rule.matchFeatures, [...path, 'matchFeatures'], findings, options);
  for (const [i, element] of (rule.matchAny ?? []).entries()) {
    checkTerms(element.matchFeatures, [...path, 'matchAny', i, 'matchFeatures'], findings, options);
  }
}

function checkName(rule: GroupRule, path: Path, findings: Finding[]): void {
  if (rule.name === '') findings.push({ path: [...path, 'name'], message: 'rule name cannot be empty' });
}

/** The findings for one NodeFeatureRule rule at `path` (spec.rules[i]). */
export function checkRule(rule: Rule, path: Path, options: CheckOptions = {}): Finding[] {
  const findings: Finding[] = [];
  checkName(rule, path, findings);
  for (const [key, value] of Object.entries(rule.annotations ?? {})) {
    const reason = annotationError(key, value);
    if (reason !== undefined) {
      findings.push({
        path: [...path, 'annotations', key],
        message: describeInvalid('annotation', key, value, reason),
      });
    }
  }
  for (const [key, value] of withoutDynamicValues(rule.labels)) {
    const reason = labelError(key, value);
    if (reason !== undefined) {
      findings.push({
        path: [...path, 'labels', key],
        message: describeInvalid('label', key, value, reason),
      });
    }
  }
  for (const [i, taint] of (rule.taints ?? []).entries()) {
    const reason = taintError(taint);
    if (reason !== undefined) {
      findings.push({
        path: [...path, 'taints', i],
        message: `invalid taint ${taint.key}=${taint.value ?? ''}:${taint.effect}: ${reason}`,
      });
    }
  }
  for (const [key, value] of withoutDynamicValues(rule.extendedResources)) {
    const reason = extendedResourceError(key, value);
    if (reason !== undefined) {
      findings.push({
        path: [...path, 'extendedResources', key],
        message: describeInvalid('extended resource', key, value, reason),
      });
    }
  }
  checkTemplate(rule.labelsTemplate, [...path, 'labelsTemplate'], findings);
  checkTemplate(rule.varsTemplate, [...path, 'varsTemplate'], findings);
  checkMatchers(rule, path, findings, options);
  return findings;
}

/** The findings for one group rule (NodeFeatureGroup, image compatibility sets). */
export function checkGroupRule(rule: GroupRule, path: Path, options: CheckOptions = {}): Finding[] {
  const findings: Finding[] = [];
  if (options.names !== false) checkName(rule, path, findings);
  checkTemplate(rule.varsTemplate, [...path, 'varsTemplate'], findings);
  checkMatchers(rule, path, findings, options);
  return findings;
}

function locateAll<T>(doc: LoadedDocument<T>, file: string, findings: readonly Finding[]): SpecIssue[] {
  return findings.map(({ path, message, within }) => {
    // A template error points into the template itself, not at the start of the field.
    const { line, column } =
      within === undefined ? doc.locate(path) : doc.locateIn(path, within.line, within.column);
    return { severity: 'error', file, line, column, path: formatIssuePath(path), message };
  });
}

/** Every problem of a loaded NodeFeatureRule, located in `file`. */
export function validateNodeFeatureRule(doc: LoadedDocument<NodeFeatureRule>, file: string): SpecIssue[] {
  return locateAll(
    doc,
    file,
    doc.value.spec.rules.flatMap((rule, i) => checkRule(rule, ['spec', 'rules', i])),
  );
}

/** Every problem of a loaded NodeFeatureGroup, located in `file`. */
export function validateNodeFeatureGroup(doc: LoadedDocument<NodeFeatureGroup>, file: string): SpecIssue[] {
  return locateAll(
    doc,
    file,
    doc.value.spec.featureGroupRules.flatMap((rule, i) =>
      checkGroupRule(rule, ['spec', 'featureGroupRules', i]),
    ),
  );
}
