import { describe, expect, it } from 'vitest';
import { checkCompatibilitySpec, findCompatibilitySpecProblems } from './check-compatibility-spec.ts';
import { formatIssue } from './issue.ts';
import { loadCompatibilitySpec } from './load.ts';

describe('checkCompatibilitySpec', () => {
  it('checks a loaded document and locates what it finds', () => {
    const text = [
      'version: v1alpha1',
      'compatibilities:',
      '- rules:',
      '  - name: kernel',
      '    matchFeatures:',
      '    - feature: kernel.version',
      '      matchExpressions:',
      '        major: {op: GeLe, value: ["5", "6", "7"]}',
      '        minor: {op: Gt, value: ["1"], type: version}',
      '  - name: kernel',
      '',
    ].join('\n');
    const result = loadCompatibilitySpec(text, { file: 'spec.yaml' });
    if (!result.ok) throw new Error('expected the schema to pass');
    const [document] = result.documents;
    if (document === undefined) throw new Error('expected one document');
    expect(checkCompatibilitySpec(document, 'spec.yaml').map(formatIssue)).toEqual([
      'spec.yaml:8:34: error: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.major.value: GeLe needs exactly 2 values; got 3',
      'spec.yaml:10:11: error: compatibilities[0].rules[1].name: duplicate rule name "kernel"; first used at line 4',
    ]);
  });

  it('allows the same rule name in different sets', () => {
    const problems = findCompatibilitySpecProblems(
      { compatibilities: [{ rules: [{ name: 'a' }] }, { rules: [{ name: 'a' }] }] },
      () => ({ line: 1, column: 1 }),
    );
    expect(problems).toEqual([]);
  });

  it('skips data of the wrong shape instead of throwing', () => {
    const locate = () => ({ line: 1, column: 1 });
    for (const data of [
      null,
      'text',
      [],
      { compatibilities: 'x' },
      {
        compatibilities: [
          null,
          1,
          { rules: 'x' },
          { rules: [null, { name: 3, matchFeatures: [1, { matchExpressions: [] }] }] },
        ],
      },
      {
        compatibilities: [
          {
            rules: [
              { name: 'r', matchAny: [null, { matchFeatures: 'x' }], matchFeatures: [{ matchName: 'x' }] },
            ],
          },
        ],
      },
    ]) {
      expect(findCompatibilitySpecProblems(data, locate)).toEqual([]);
    }
  });

  it('flags values on an expression without op', () => {
    const data = {
      compatibilities: [
        { rules: [{ name: 'r', matchFeatures: [{ feature: 'a.b', matchName: { value: ['x'] } }] }] },
      ],
    };
    expect(findCompatibilitySpecProblems(data, () => ({ line: 1, column: 1 }))).toEqual([
      {
        severity: 'warning',
        path: ['compatibilities', 0, 'rules', 0, 'matchFeatures', 0, 'matchName'],
        message: 'no op: the expression matches anything',
      },
      {
        severity: 'error',
        path: ['compatibilities', 0, 'rules', 0, 'matchFeatures', 0, 'matchName', 'value'],
        message: 'an expression without op takes no values; got 1',
      },
    ]);
  });
});
