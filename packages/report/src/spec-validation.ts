import type { SpecIssue } from '@nfd/spec';
import { formatIssue, stringifyForGo } from '@nfd/spec';
import { renderCodeFrame } from './code-frame.ts';
import { createStyler } from './style.ts';

/** What `compat validate-spec` found in one spec file. */
export interface SpecValidationResult {
  /** The file as the user named it (`-` for stdin). */
  file: string;
  valid: boolean;
  /** Errors and warnings, in source order. */
  issues: readonly SpecIssue[];
  /** What the file holds, when it loaded. */
  summary: SpecSummary | null;
  /** The file's text, for code frames under each issue in text output. */
  source?: string;
}

export interface SpecSummary {
  version: string;
  documents: number;
  compatibilities: number;
  rules: number;
}

export type SpecValidationFormat = 'text' | 'json' | 'yaml';

export interface RenderOptions {
  color?: boolean;
}

/** The machine-readable form, shared by json and yaml output. */
export interface SpecValidationDocument {
  file: string;
  valid: boolean;
  errors: string[];
  warnings: string[];
  issues: SpecIssue[];
  summary: SpecSummary | null;
}

export function toSpecValidationDocument(result: SpecValidationResult): SpecValidationDocument {
  const of = (severity: SpecIssue['severity']): string[] =>
    result.issues.filter((issue) => issue.severity === severity).map((issue) => formatIssue(issue));
  return {
    file: result.file,
    valid: result.valid,
    errors: of('error'),
    warnings: of('warning'),
    issues: result.issues.map((issue) => ({ ...issue })),
    summary: result.summary,
  };
}

/** Renders one validation result; every output ends with a newline. */
export function renderSpecValidation(
  result: SpecValidationResult,
  format: SpecValidationFormat,
  options: RenderOptions = {},
): string {
  if (format === 'json') return `${JSON.stringify(toSpecValidationDocument(result), null, 2)}\n`;
  if (format === 'yaml') return stringifyForGo(toSpecValidationDocument(result));
  return renderText(result, options.color ?? false);
}

function renderText(result: SpecValidationResult, color: boolean): string {
  const style = createStyler(color);
  const out: string[] = [];
  for (const issue of result.issues) {
    const label =
      issue.severity === 'error' ? style(['bold', 'red'], 'error') : style(['bold', 'yellow'], 'warning');
    const where = style('bold', `${issue.file}:${issue.line}:${issue.column}`);
    const path = issue.path === '' ? '' : `${style('cyan', issue.path)}: `;
    out.push(`${where}: ${label}: ${path}${issue.message}`);
    const frame = result.source === undefined ? '' : renderCodeFrame(result.source, issue.line, issue.column);
    if (frame !== '') out.push(style('dim', frame));
  }
  if (out.length > 0) out.push('');
  out.push(summaryLine(result, style));
  return `${out.join('\n')}\n`;
}

function summaryLine(result: SpecValidationResult, style: ReturnType<typeof createStyler>): string {
  const errors = result.issues.filter((issue) => issue.severity === 'error').length;
  const warnings = result.issues.length - errors;
  const counts = [plural(errors, 'error'), ...(warnings > 0 ? [plural(warnings, 'warning')] : [])].join(', ');
  if (!result.valid) return `${result.file}: ${style(['bold', 'red'], 'invalid')} (${counts})`;
  const s = result.summary;
  const what =
    s === null
      ? ''
      : ` (${s.version}: ${plural(s.compatibilities, 'compatibility set')}, ${plural(s.rules, 'rule')}` +
        `${s.documents > 1 ? ` in ${s.documents} documents` : ''}${warnings > 0 ? `; ${plural(warnings, 'warning')}` : ''})`;
  return `${result.file}: ${style(['bold', 'green'], 'valid')} image compatibility spec${what}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
