/**
 * The source line an issue points at, with a caret under its column, as compilers print it:
 *
 *     7 |       matchExpresions:
 *       |       ^
 *
 * Tabs are kept so the caret lines up in a terminal. Returns '' when the line does not exist.
 */
export function renderCodeFrame(source: string, line: number, column: number): string {
  const lines = source.split(/\r?\n/);
  const text = lines[line - 1];
  if (text === undefined) return '';
  const gutter = String(line);
  const pad = ' '.repeat(gutter.length);
  const lead = text.slice(0, Math.max(0, column - 1)).replace(/[^\t]/g, ' ');
  return `  ${gutter} | ${text}\n  ${pad} | ${lead}^`;
}
