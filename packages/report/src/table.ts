import { stripVTControlCharacters } from 'node:util';

/** Display width of a cell: ANSI styles take no room; wide characters are rare here and count as 1. */
function width(text: string): number {
  return [...stripVTControlCharacters(text)].length;
}

function pad(text: string, to: number): string {
  return text + ' '.repeat(Math.max(0, to - width(text)));
}

export interface TableOptions {
  title?: string;
  header: readonly string[];
  /** Row groups, drawn with a separator between groups (upstream's matchAny elements). */
  groups: readonly (readonly (readonly string[])[])[];
}

/**
 * A box-drawn table in go-pretty's "light" style with an index column, as upstream's
 * validate-node prints: title row, header, rows, separators between groups.
 */
export function renderTable(options: TableOptions): string {
  const rows = options.groups.flat();
  const columns = ['', ...options.header];
  const widths = columns.map((_, c) => {
    const cells = c === 0 ? rows.map((_, r) => String(r + 1)) : rows.map((row) => row[c - 1] ?? '');
    return Math.max(width(columns[c] ?? ''), ...cells.map(width));
  });
  // A title wider than the columns widens the last column.
  const titleWidth = options.title === undefined ? 0 : width(options.title) + 2;
  const columnsWidth = widths.reduce((sum, w) => sum + w + 3, -1);
  if (titleWidth > columnsWidth) widths[widths.length - 1] = (widths.at(-1) ?? 0) + titleWidth - columnsWidth;
  const line = (left: string, mid: string, right: string): string =>
    left + widths.map((w) => '─'.repeat(w + 2)).join(mid) + right;
  const row = (cells: readonly string[]): string =>
    `│${cells.map((cell, c) => ` ${pad(cell, widths[c] ?? 0)} `).join('│')}│`;
  const out: string[] = [];
  const inner = widths.reduce((sum, w) => sum + w + 3, -1);
  if (options.title !== undefined) {
    out.push(`┌${'─'.repeat(inner)}┐`);
    out.push(`│ ${pad(options.title, inner - 2)} │`);
    out.push(line('├', '┬', '┤'));
  } else {
    out.push(line('┌', '┬', '┐'));
  }
  out.push(row(columns));
  out.push(line('├', '┼', '┤'));
  let index = 0;
  for (const [g, group] of options.groups.entries()) {
    if (g > 0 && group.length > 0 && index > 0) out.push(line('├', '┼', '┤'));
    for (const cells of group) {
      index += 1;
      out.push(row([String(index), ...cells]));
    }
  }
  out.push(line('└', '┴', '┘'));
  return `${out.join('\n')}\n`;
}
