// Audit of the validate-node report computation (matching.md §7.4, §10, Q16–Q20).
import { type CompatibilitySpec, loadCompatibilitySpec } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { compileCompatibilitySpec, goQuote, isCompatible, isSetCompatible } from './compatibility.ts';
import { indexFeatures } from './features.ts';

function spec(text: string): CompatibilitySpec {
  const loaded = loadCompatibilitySpec(`version: v1alpha1\n${text}`, { file: 'spec.yaml' });
  if (!loaded.ok || loaded.documents[0] === undefined) {
    throw new Error(`fixture spec does not load: ${JSON.stringify(loaded)}`);
  }
  return loaded.documents[0].value;
}

const node = indexFeatures({
  flags: {
    'kernel.loadedmodule': { elements: { vfio_pci: {}, nvidia: {} } },
    'kernel.config': { elements: { NO_HZ: {} } },
  },
  attributes: {
    'cpu.model': { elements: { vendor_id: 'Intel', family: '6' } },
    'kernel.config': { elements: { NO_HZ: 'y', PREEMPT: 'y' } },
    'weird.values': { elements: { a: '\x07', b: '\x01', c: '\u00a0', d: 'a' } },
  },
  instances: {
    'pci.device': {
      elements: [
        { attributes: { vendor: '8086', class: '0200' } },
        { attributes: { vendor: '10de', class: '0300' } },
      ],
    },
  },
});

const evaluate = (text: string, tags?: string[]) =>
  compileCompatibilitySpec(spec(text)).evaluate(node, tags === undefined ? {} : { tags });
const firstRule = (text: string) => evaluate(text)[0]?.rules?.[0];

describe('§10.2 isMatch of entries', () => {
  it('rule isMatch is the non-failFast result; entries of a failed term still show what held', () => {
    const rule = firstRule(`compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: cpu.model
      matchExpressions:
        vendor_id: {op: In, value: [AMD]}
        family: {op: In, value: ["6"]}
    - feature: kernel.loadedmodule
      matchExpressions:
        nvidia: {op: Exists}
`);
    expect(rule?.isMatch).toBe(false);
    expect(rule?.matchedExpressions?.map((e) => [e.feature, e.name, e.isMatch])).toEqual([
      ['cpu.model', 'family', true],
      ['cpu.model', 'vendor_id', false],
      ['kernel.loadedmodule', 'nvidia', true],
    ]);
  });

  it('is always false for a feature written with capitals, though the rule matches (Q18)', () => {
    const rule = firstRule(`compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: Kernel.LoadedModule
      matchExpressions: {nvidia: {op: Exists}}
      matchName: {op: In, value: [nvidia]}
`);
    expect(rule?.isMatch).toBe(true);
    expect(rule?.matchedExpressions?.map((e) => [e.feature, e.matcherType, e.isMatch])).toEqual([
      ['Kernel.LoadedModule', 'matchName', false],
      ['Kernel.LoadedModule', 'matchExpression', false],
    ]);
  });

  it('marks DoesNotExist matched when only the flag part held (Q19)', () => {
    const rule = firstRule(`compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: kernel.config
      matchExpressions: {PREEMPT: {op: DoesNotExist}}
`);
    expect(rule?.isMatch).toBe(false);
    expect(rule?.matchedExpressions?.[0]?.isMatch).toBe(true);
  });

  it('looks expressions up across the terms of the same feature by key, op and values, ignoring type (Q20)', () => {
    const rule = firstRule(`compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: cpu.model
      matchExpressions: {family: {op: Gt, value: ["5"], type: version}}
    - feature: cpu.model
      matchExpressions: {family: {op: Gt, value: ["5"]}}
    - feature: cpu.model
      matchExpressions: {family: {op: Gt, value: ["7"]}}
`);
    expect(rule?.matchedExpressions?.map((e) => [e.expression, e.isMatch])).toEqual([
      [{ op: 'Gt', value: ['5'], type: 'version' }, true],
      [{ op: 'Gt', value: ['5'] }, true],
      [{ op: 'Gt', value: ['7'] }, false],
    ]);
  });

  it('never evaluates a matchName-only term after a failed term (Q17)', () => {
    const rule = firstRule(`compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: cpu.model
      matchExpressions: {vendor_id: {op: In, value: [AMD]}}
    - feature: kernel.loadedmodule
      matchName: {op: In, value: [nvidia]}
`);
    expect(rule?.matchedExpressions?.map((e) => [e.matcherType, e.isMatch])).toEqual([
      ['matchExpression', false],
      ['matchName', false],
    ]);
  });

  it('a missing feature gives false entries and hides invalid expressions (Q6)', () => {
    const rule = firstRule(`compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: no.such
      matchExpressions: {x: {op: In}}
`);
    expect(rule?.isMatch).toBe(false);
    expect(rule?.matchedExpressions?.[0]?.isMatch).toBe(false);
  });
});

describe('§10.2 sorting', () => {
  it('sorts by feature (bytes), name, then Go %q text of the expression', () => {
    const rule = firstRule(`compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: kernel.loadedmodule
      matchExpressions: {nvidia: {op: In, value: [x]}}
    - feature: kernel.loadedmodule
      matchExpressions: {nvidia: {op: Exists}}
      matchName: {op: Exists}
    - feature: cpu.model
      matchExpressions: {vendor_id: {op: In, value: ["a", "b"]}}
    - feature: cpu.model
      matchExpressions: {vendor_id: {op: In, value: ["a b"]}}
`);
    expect(rule?.matchedExpressions?.map((e) => [e.feature, e.name, e.expression])).toEqual([
      // `["a b"]` < `["a" "b"]` as text: space (0x20) < quote (0x22).
      ['cpu.model', 'vendor_id', { op: 'In', value: ['a b'] }],
      ['cpu.model', 'vendor_id', { op: 'In', value: ['a', 'b'] }],
      ['kernel.loadedmodule', '', { op: 'Exists' }],
      ['kernel.loadedmodule', 'nvidia', { op: 'Exists' }],
      ['kernel.loadedmodule', 'nvidia', { op: 'In', value: ['x'] }],
    ]);
  });

  it('sorts by the quoted text, escapes included', () => {
    // Go texts "\a" < "\u00a0" < "\x01" (a < u < x), and all of them < "a" (\ < a); by the raw
    // values the order would be \x01, \x07, a, \u00a0.
    const rule = firstRule(`compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: weird.values
      matchExpressions: {k: {op: In, value: ["\\x01"]}}
    - feature: weird.values
      matchExpressions: {k: {op: In, value: ["\\a"]}}
    - feature: weird.values
      matchExpressions: {k: {op: In, value: ["a"]}}
    - feature: weird.values
      matchExpressions: {k: {op: In, value: ["\\u00a0"]}}
`);
    expect(rule?.matchedExpressions?.map((e) => e.expression.value?.[0])).toEqual([
      '\x07',
      '\u00a0',
      '\x01',
      'a',
    ]);
  });

  it('quotes as Go strconv.Quote does', () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\x07\b\f\n\r\t\v\x01\x7f')).toBe('"\\a\\b\\f\\n\\r\\t\\v\\x01\\x7f"');
    expect(goQuote('é😀')).toBe('"é😀"');
    expect(goQuote('\u00a0\u200b\u2028\ufeff')).toBe('"\\u00a0\\u200b\\u2028\\ufeff"');
    expect(goQuote('\u{e0001}')).toBe('"\\U000e0001"');
    expect(goQuote(' ')).toBe('" "');
  });
});

describe('§10.1 shape: matchedAny, null and omitted fields', () => {
  it('gives one matchedAny element per matchAny element; null when its terms produce nothing', () => {
    const rule = firstRule(`compatibilities:
- rules:
  - name: r
    matchAny:
    - matchFeatures: [{feature: cpu.model}]
    - matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [AMD]}}}]
    - matchFeatures: []
`);
    expect(rule).toEqual({
      name: 'r',
      isMatch: true,
      matchedAny: [
        { matchedExpressions: null },
        {
          matchedExpressions: [
            {
              feature: 'cpu.model',
              name: 'vendor_id',
              expression: { op: 'In', value: ['AMD'] },
              matcherType: 'matchExpression',
              isMatch: false,
            },
          ],
        },
        { matchedExpressions: null },
      ],
    });
    expect(Object.keys(rule ?? {})).toEqual(['name', 'isMatch', 'matchedAny']);
  });

  it('omits matchedExpressions and matchedAny when there is nothing', () => {
    const rule = firstRule(`compatibilities:
- rules:
  - name: r
    matchFeatures: [{feature: cpu.model}, {feature: cpu.model, matchExpressions: {}}]
`);
    expect(rule).toEqual({ name: 'r', isMatch: true });
    expect(Object.keys(rule ?? {})).toEqual(['name', 'isMatch']);
  });

  it('gives rules: null for a set without rules, omits empty description, zero weight and empty tag', () => {
    const statuses = evaluate(`compatibilities:
- rules: []
  description: ""
  weight: 0
  tag: ""
- rules: [{name: r}]
  description: d
  weight: -3
  tag: t
`);
    expect(statuses).toEqual([
      { rules: null },
      { rules: [{ name: 'r', isMatch: true }], description: 'd', weight: -3, tag: 't' },
    ]);
    expect(Object.keys(statuses[1] ?? {})).toEqual(['rules', 'description', 'weight', 'tag']);
    expect(isSetCompatible(statuses[0] ?? { rules: null })).toBe(true);
  });

  it('reports value only when non-empty and type only when non-empty', () => {
    const rule = firstRule(`compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: cpu.model
      matchExpressions:
        vendor_id: {op: Exists, value: [], type: ""}
        family: {op: Ge, value: ["6"], type: version}
`);
    expect(rule?.matchedExpressions?.map((e) => e.expression)).toEqual([
      { op: 'Ge', value: ['6'], type: 'version' },
      { op: 'Exists' },
    ]);
  });
});

describe('§7.4 and §10.3 sets, tags and exit status', () => {
  const text = `compatibilities:
- tag: one
  rules:
  - name: set var
    vars: {flag: "true"}
    matchAny: [{matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [AMD]}}}]}]
- rules:
  - name: untagged reads
    matchFeatures: [{feature: rule.matched, matchExpressions: {flag: {op: IsTrue}}}]
- tag: two
  rules:
  - name: tagged reads
    matchFeatures: [{feature: rule.matched, matchExpressions: {flag: {op: IsTrue}}}]
`;

  it('feeds the vars of a failed-matchAny rule into later sets (Q16)', () => {
    expect(evaluate(text).map((s) => s.rules?.[0]?.isMatch)).toEqual([false, true, true]);
  });

  it('a set skipped by the tag filter contributes nothing; untagged sets are skipped; order kept', () => {
    expect(evaluate(text, ['two']).map((s) => [s.tag, s.rules?.[0]?.isMatch])).toEqual([['two', false]]);
    expect(evaluate(text, ['two', 'one']).map((s) => [s.tag, s.rules?.[0]?.isMatch])).toEqual([
      ['one', false],
      ['two', true],
    ]);
  });

  it('is compatible when at least one set fully matches; a set without rules counts', () => {
    expect(isCompatible(evaluate(text, ['one']))).toBe(false);
    expect(isCompatible(evaluate(text))).toBe(true);
    expect(isCompatible(evaluate('compatibilities:\n- rules: []\n'))).toBe(true);
    expect(isCompatible([])).toBe(false);
  });

  it('vars of an earlier rule in the same set are visible, labels are not part of group rules', () => {
    const statuses = evaluate(`compatibilities:
- rules:
  - name: a
    varsTemplate: "{{ range .cpu.model }}v-{{ .Name }}={{ .Value }}\\n{{ end }}"
    matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: Exists}}}]
  - name: b
    matchFeatures: [{feature: rule.matched, matchExpressions: {v-vendor_id: {op: In, value: [Intel]}}}]
`);
    expect(statuses[0]?.rules?.map((r) => r.isMatch)).toEqual([true, true]);
  });
});

describe('explain (not upstream)', () => {
  it('reads own instance attributes only', async () => {
    const { explainExpression } = await import('./explain.ts');
    expect(explainExpression(node, 'pci.device', 'constructor')).toEqual({
      featurePresent: true,
      instances: [null, null],
    });
  });
});
