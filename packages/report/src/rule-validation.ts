import type { SpecIssue } from '@nfd/spec';
import { formatIssue, stringifyForGo } from '@nfd/spec';
import { renderCodeFrame } from './code-frame.ts';
import { createStyler } from './style.ts';

/** What `validate` found in one NodeFeatureRule/NodeFeatureGroup file. */
export interface RuleValidationResult {
  file: string;
  kind: 'NodeFeatureRule' | 'NodeFeatureGroup' | undefined;
  valid: boolean;
  issues: readonly SpecIssue[];
  /** Rule names, for the "Validating rule" lines. */
  rules: readonly string[];
  source?: string;
}

export type RuleValidationFormat = 'text' | 'json' | 'yaml';

/** JSON is the contract's `{"valid", "errors"}` (matching.md §9.3), errors as located strings. */
export function renderRuleValidation(
  result: RuleValidationResult,
  format: RuleValidationFormat,
  options: { color?: boolean } = {},
): string {
  const document = { valid: result.valid, errors: result.issues.map((issue) => formatIssue(issue)) };
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  if (format === 'yaml') return stringifyForGo(document);
  const style = createStyler(options.color ?? false);
  const kind = result.kind ?? 'NodeFeatureRule';
  // Upstream's lines (kubectl nfd validate), then every problem located, with its code frame.
  const out = [
    `Validating ${kind} ${result.file}`,
    ...result.rules.map((name) => `Validating rule:  ${name}`),
  ];
  const errors = result.issues.filter((issue) => issue.severity === 'error').length;
  out.push(
    result.valid
      ? `${kind} ${result.file} is ${style(['bold', 'green'], 'valid')}`
      : `${kind} ${result.file} is ${style(['bold', 'red'], 'not valid')} (${errors} error${errors === 1 ? '' : 's'}):`,
  );
  for (const issue of result.issues) {
    out.push(
      `${style('bold', `${issue.file}:${issue.line}:${issue.column}`)}: ${style(['bold', 'red'], issue.severity)}: ` +
        `${issue.path === '' ? '' : `${style('cyan', issue.path)}: `}${issue.message}`,
    );
    const frame = result.source === undefined ? '' : renderCodeFrame(result.source, issue.line, issue.column);
    if (frame !== '') out.push(style('dim', frame));
  }
  return `${out.join('\n')}\n`;
}
