import { describe, expect, it } from 'vitest';
import { renderCodeFrame } from './code-frame.ts';

describe('renderCodeFrame', () => {
  const source = 'version: v1alpha1\ncompatibilities:\n  - rules:\n\t- name: x\n';

  it('points a caret at the column of the line', () => {
    expect(renderCodeFrame(source, 3, 5)).toBe('  3 |   - rules:\n    |     ^');
  });

  it('keeps tabs before the caret so it lines up', () => {
    expect(renderCodeFrame(source, 4, 2)).toBe('  4 | \t- name: x\n    | \t^');
  });

  it('widens the gutter for long files', () => {
    const long = `${'a\n'.repeat(11)}bad: 1\n`;
    expect(renderCodeFrame(long, 12, 1)).toBe('  12 | bad: 1\n     | ^');
  });

  it('returns nothing for a line past the end', () => {
    expect(renderCodeFrame(source, 40, 1)).toBe('');
  });
});
