// Turning an expanded labelsTemplate/varsTemplate into key/value pairs (matching.md §6.3).

// Go's unicode.IsSpace set (strings.TrimSpace); unlike JavaScript's \s it excludes U+FEFF.
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'g');

/** An output line without `=`: upstream insists on `key=value` (Q13). */
export class TemplateOutputError extends Error {
  override name = 'TemplateOutputError';
  readonly line: string;
  constructor(line: string) {
    super(`invalid template output line ${JSON.stringify(line)}: expected "<key>=<value>"`);
    this.line = line;
  }
}

/**
 * Lines are trimmed (Go TrimSpace) and empty ones skipped; each splits at its first `=`, neither
 * side trimmed again; a later key wins.
 */
export function parseTemplateOutput(text: string): Record<string, string> {
  // No prototype, so that a key such as `__proto__` is an ordinary key.
  const out = Object.create(null) as Record<string, string>;
  for (const raw of text.split('\n')) {
    const line = raw.replace(TRIM, '');
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new TemplateOutputError(line);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}
