/**
 * The source line an issue points at, with a caret under its column, as compilers print it:
 *
 *     7 |       matchExpresions:
 *       |       ^
 *
 * Tabs are kept so the caret lines up in a terminal. Returns '' when the line does not exist.
 */
export function renderCodeFrame(source: string, line: number, column: number): string {
  const text = sourceLine(source, line);
  if (text === undefined) return '';
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  const lead = text.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, ' ');
  return `  ${gutter} | ${text}\n  ${pad} | ${lead}^`;
}

/** Where each line of the last source starts: a report of N issues splits its source once, not N times. */
let indexed: { source: string; starts: number[] } | undefined;

/** Line `line` (1-based) of `source`, without its line break; undefined past the end. */
function sourceLine(source: string, line: number): string | undefined {
  if (indexed?.source !== source) {
    const starts = [0];
    for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) starts.push(i + 1);
    indexed = { source, starts };
  }
  const start = indexed.starts[line - 1];
  if (start === undefined || line < 1) return undefined;
  const next = indexed.starts[line];
  const end = next === undefined ? source.length : next - 1;
  const text = source.slice(start, end);
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
