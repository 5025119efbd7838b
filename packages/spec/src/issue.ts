/** A 1-based position in a source text. */
export interface SourceLocation {
  line: number;
  column: number;
}

/** One problem found in a file, located at the YAML/JSON node it is about. */
export interface SpecIssue {
  severity: 'error' | 'warning';
  file: string;
  line: number;
  column: number;
  /** The field path, written by `formatIssuePath`; empty for the document itself or a syntax error. */
  path: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Writes a field path the way JavaScript would address it: identifiers joined with `.`, list indexes as
 * `[0]`, and any other key as a JSON string in brackets, so `["vfio-pci"]`, `["cpu.model"]` and `["10"]`
 * can never be mistaken for a nested path or an index.
 */
export function formatIssuePath(path: readonly (string | number)[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** `file:line:col: error: path: message` (the `path: ` part is left out when the path is empty). */
export function formatIssue(issue: SpecIssue): string {
  const where = issue.path === '' ? '' : `${issue.path}: `;
  return `${issue.file}:${issue.line}:${issue.column}: ${issue.severity}: ${where}${issue.message}`;
}

/** Orders issues by position; issues at the same position keep the order they were found in. */
export function sortIssues(issues: readonly SpecIssue[]): SpecIssue[] {
  return issues.toSorted((a, b) => a.line - b.line || a.column - b.column);
}
