import { describe, expect, it } from 'vitest';
import { formatIssue, formatIssuePath, type SpecIssue, sortIssues } from './issue.ts';

describe('formatIssuePath', () => {
  it.each<[(string | number)[], string]>([
    [[], ''],
    [['version'], 'version'],
    [
      ['compatibilities', 0, 'rules', 1, 'matchFeatures', 0, 'matchExpressions', 'vendor', 'op'],
      'compatibilities[0].rules[1].matchFeatures[0].matchExpressions.vendor.op',
    ],
    [['matchExpressions', 'vfio-pci', 'op'], 'matchExpressions["vfio-pci"].op'],
    [['spec', 'features', 'flags', 'cpu.cpuid'], 'spec.features.flags["cpu.cpuid"]'],
    [['labels', '10'], 'labels["10"]'],
    [['a', ''], 'a[""]'],
    [['quote"d'], '["quote\\"d"]'],
    [[0, 'name'], '[0].name'],
  ])('%j -> %s', (path, text) => {
    expect(formatIssuePath(path)).toBe(text);
  });
});

describe('formatIssue', () => {
  const issue: SpecIssue = {
    severity: 'error',
    file: 'spec.yaml',
    line: 3,
    column: 5,
    path: 'version',
    message: 'm',
  };

  it('writes file:line:col: severity: path: message', () => {
    expect(formatIssue(issue)).toBe('spec.yaml:3:5: error: version: m');
  });

  it('leaves out an empty path', () => {
    expect(formatIssue({ ...issue, severity: 'warning', path: '' })).toBe('spec.yaml:3:5: warning: m');
  });
});

describe('sortIssues', () => {
  it('sorts by line then column, stable otherwise', () => {
    const at = (line: number, column: number, message: string): SpecIssue => ({
      severity: 'error',
      file: 'f',
      line,
      column,
      path: '',
      message,
    });
    const sorted = sortIssues([at(2, 1, 'c'), at(1, 5, 'b'), at(1, 1, 'a'), at(2, 1, 'd')]);
    expect(sorted.map((issue) => issue.message)).toEqual(['a', 'b', 'c', 'd']);
  });
});
