import type { CompatibilitySpec } from './compatibility-spec.ts';
import type { SourceLocation, SpecIssue } from './issue.ts';
import { formatIssuePath } from './issue.ts';
import type { LoadedDocument } from './load-result.ts';
import {
  describeValueCount,
  isMatchOp,
  isValueCountAllowed,
  TYPED_MATCH_OPS,
  valueCountForOp,
} from './match-ops.ts';
import type { Finding } from './schema-issues.ts';
import type { FieldPath } from './yaml-source.ts';

// These checks read the data defensively (`unknown` all the way down) so that they can also run on a
// document that failed its schema, and a user sees every problem at once. Shape errors are the
// schema's job: anything of the wrong type is skipped here.

type Locate = (path: FieldPath) => SourceLocation;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function listAt(record: Record<string, unknown>, key: string): unknown[] {
  const value = record[key];
  return Array.isArray(value) ? value : [];
}

function checkExpression(expression: unknown, path: FieldPath, findings: Finding[]): void {
  if (!isRecord(expression)) return;
  const { op, value, type } = expression;
  if (op === undefined || op === null || op === '') {
    findings.push({
      severity: 'warning',
      path,
      message: 'no op: the expression matches anything',
    });
  }
  const resolvedOp = op ?? '';
  if (isMatchOp(resolvedOp)) {
    const count = Array.isArray(value) ? value.length : value === undefined || value === null ? 0 : undefined;
    if (count !== undefined && !isValueCountAllowed(resolvedOp, count)) {
      const name = resolvedOp === '' ? 'an expression without op' : resolvedOp;
      const expected = valueCountForOp(resolvedOp);
      const needs = expected.max === 0 ? 'takes no values' : `needs ${describeValueCount(expected)}`;
      findings.push({
        severity: 'error',
        path: Array.isArray(value) ? [...path, 'value'] : path,
        message: `${name} ${needs}; got ${count}`,
      });
    }
  }
  if (typeof type === 'string' && type !== '' && type !== 'version') {
    findings.push({
      severity: 'error',
      path: [...path, 'type'],
      message: `type must be "" or "version"; got ${JSON.stringify(type)}`,
    });
  } else if (type === 'version' && isMatchOp(resolvedOp) && !TYPED_MATCH_OPS.includes(resolvedOp)) {
    findings.push({
      severity: 'warning',
      path: [...path, 'type'],
      message: `type "version" has no effect on ${resolvedOp === '' ? 'an expression without op' : resolvedOp}; only ${TYPED_MATCH_OPS.join(', ')} use it`,
    });
  }
}

function checkTerms(terms: unknown[], path: FieldPath, findings: Finding[]): void {
  terms.forEach((term, index) => {
    if (!isRecord(term)) return;
    const termPath = [...path, index];
    const { feature, matchExpressions } = term;
    if (typeof feature === 'string' && feature !== feature.toLowerCase()) {
      findings.push({
        severity: 'warning',
        path: [...termPath, 'feature'],
        message:
          `feature name ${JSON.stringify(feature)} has uppercase letters; upstream lower-cases rule feature ` +
          `names, so this only matches the feature ${JSON.stringify(feature.toLowerCase())}`,
      });
    }
    if (isRecord(matchExpressions)) {
      for (const [element, expression] of Object.entries(matchExpressions)) {
        checkExpression(expression, [...termPath, 'matchExpressions', element], findings);
      }
    }
    checkExpression(term.matchName, [...termPath, 'matchName'], findings);
  });
}

function checkRule(rule: Record<string, unknown>, path: FieldPath, findings: Finding[]): void {
  checkTerms(listAt(rule, 'matchFeatures'), [...path, 'matchFeatures'], findings);
  listAt(rule, 'matchAny').forEach((alternative, index) => {
    if (isRecord(alternative)) {
      checkTerms(
        listAt(alternative, 'matchFeatures'),
        [...path, 'matchAny', index, 'matchFeatures'],
        findings,
      );
    }
  });
}

/**
 * What `compat validate-spec` checks beyond the schema, on raw parsed data: sets without rules, empty or
 * duplicate rule names, value counts per operator and `type` values (errors); expressions without op,
 * feature names with uppercase letters and `type: version` where it is ignored (warnings).
 */
export function findCompatibilitySpecProblems(data: unknown, locate: Locate): Finding[] {
  const findings: Finding[] = [];
  if (!isRecord(data)) return findings;
  listAt(data, 'compatibilities').forEach((set, setIndex) => {
    if (!isRecord(set)) return;
    const setPath: FieldPath = ['compatibilities', setIndex];
    if (Array.isArray(set.rules) && set.rules.length === 0) {
      findings.push({
        severity: 'error',
        path: [...setPath, 'rules'],
        message: 'a compatibility set needs at least one rule',
      });
    }
    const firstByName = new Map<string, FieldPath>();
    listAt(set, 'rules').forEach((rule, ruleIndex) => {
      if (!isRecord(rule)) return;
      const rulePath: FieldPath = [...setPath, 'rules', ruleIndex];
      const { name } = rule;
      if (typeof name === 'string') {
        const first = firstByName.get(name);
        if (name.trim() === '') {
          findings.push({
            severity: 'error',
            path: [...rulePath, 'name'],
            message: 'rule name must not be empty',
          });
        } else if (first !== undefined) {
          findings.push({
            severity: 'error',
            path: [...rulePath, 'name'],
            message: `duplicate rule name ${JSON.stringify(name)}; first used at line ${locate(first).line}`,
          });
        } else {
          firstByName.set(name, [...rulePath, 'name']);
        }
      }
      checkRule(rule, rulePath, findings);
    });
  });
  return findings;
}

/**
 * Runs the `validate-spec` checks on a loaded spec and locates what they find in `file`. The loaders do
 * the same with `{ check: true }`, which also covers documents whose schema failed.
 */
export function checkCompatibilitySpec(
  document: LoadedDocument<CompatibilitySpec>,
  file: string,
): SpecIssue[] {
  return findCompatibilitySpecProblems(document.value, (path) => document.locate(path)).map((finding) => {
    const { line, column } = document.locate(finding.path);
    return {
      severity: finding.severity,
      file,
      line,
      column,
      path: formatIssuePath(finding.path),
      message: finding.message,
    };
  });
}
