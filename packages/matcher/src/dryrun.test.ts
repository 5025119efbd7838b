import type { Features, Rule } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { compileGroupRuleSet, compileRuleSet } from './dryrun.ts';
import { indexFeatures } from './features.ts';

const features: Features = {
  flags: {
    'kernel.loadedmodule': { elements: { vfio_pci: {}, nvidia: {} } },
    'cpu.cpuid': { elements: { AVX512F: {}, AVX2: {} } },
  },
  attributes: {
    'kernel.version': { elements: { major: '6', minor: '1', full: '6.1.0-18-amd64' } },
    'cpu.model': { elements: { vendor_id: 'Intel', family: '6' } },
  },
  instances: {
    'pci.device': {
      elements: [
        { attributes: { vendor: '8086', class: '0200', device: '1572' } },
        { attributes: { vendor: '10de', class: '0300', device: '2330' } },
      ],
    },
  },
};

const run = (rules: Rule[]) => compileRuleSet(rules).run(indexFeatures(features));

describe('dryrun (matching.md §7.1, §7.2, §8, §9.3)', () => {
  it('prefixes keys, keeps raw rule outputs, merges later rules over earlier ones', () => {
    const result = run([
      {
        name: 'gpu',
        labels: { 'gpu-present': 'true', 'vendor.io/x': '1' },
        annotations: { note: 'hello' },
        matchFeatures: [{ feature: 'kernel.loadedmodule', matchExpressions: { nvidia: { op: 'Exists' } } }],
      },
      { name: 'later', labels: { 'vendor.io/x': '2' } },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.rules[0]).toEqual({
      name: 'gpu',
      matched: true,
      labels: { 'gpu-present': 'true', 'vendor.io/x': '1' },
      annotations: { note: 'hello' },
      vars: {},
      extendedResources: {},
      taints: [],
    });
    expect(result.labels).toEqual({ 'feature.node.kubernetes.io/gpu-present': 'true', 'vendor.io/x': '2' });
    expect(result.annotations).toEqual({ 'feature.node.kubernetes.io/note': 'hello' });
  });

  it('lets an explicitly prefixed key win over the same unprefixed key of one rule', () => {
    const result = run([{ name: 'r', labels: { foo: 'a', 'feature.node.kubernetes.io/foo': 'b' } }]);
    expect(result.labels).toEqual({ 'feature.node.kubernetes.io/foo': 'b' });
  });

  it('feeds labels and vars back through rule.matched, vars winning', () => {
    const result = run([
      {
        name: 'first',
        labels: { shared: 'from-label' },
        vars: { shared: 'from-var', gpu: 'true' },
        matchFeatures: [{ feature: 'kernel.loadedmodule', matchExpressions: { nvidia: { op: 'Exists' } } }],
      },
      {
        name: 'second',
        labels: { 'vendor.io/ok': 'true' },
        matchFeatures: [
          {
            feature: 'rule.matched',
            matchExpressions: { gpu: { op: 'IsTrue' }, shared: { op: 'In', value: ['from-var'] } },
          },
        ],
      },
    ]);
    expect(result.rules.map((r) => r.matched)).toEqual([true, true]);
    expect(result.labels['vendor.io/ok']).toBe('true');
  });

  it('creates an empty rule.matched after the first non-erroring rule, even one that did not match (Q14)', () => {
    const doesNotExist = {
      name: 'probe',
      labels: { 'vendor.io/probe': 'yes' },
      matchFeatures: [
        { feature: 'rule.matched', matchExpressions: { anything: { op: 'DoesNotExist' as const } } },
      ],
    };
    expect(run([doesNotExist]).rules[0]?.matched).toBe(false);
    const after = run([
      {
        name: 'miss',
        matchFeatures: [
          { feature: 'cpu.model', matchExpressions: { vendor_id: { op: 'In', value: ['AMD'] } } },
        ],
      },
      doesNotExist,
    ]);
    expect(after.rules.map((r) => r.matched)).toEqual([false, true]);
  });

  it('reports an errored rule, which contributes nothing, and goes on', () => {
    const result = run([
      {
        name: 'broken',
        labels: { 'vendor.io/a': 'x' },
        vars: { v: 'true' },
        matchFeatures: [
          { feature: 'kernel.version', matchExpressions: { major: { op: 'Gt', value: ['five'] } } },
        ],
      },
      {
        name: 'reader',
        labels: { 'vendor.io/b': 'y' },
        matchFeatures: [{ feature: 'rule.matched', matchExpressions: { v: { op: 'Exists' } } }],
      },
    ]);
    expect(result.rules[0]).toMatchObject({ name: 'broken', matched: false, labels: {}, vars: {} });
    expect(result.rules[0]?.error).toContain('rule "broken"');
    expect(result.rules[0]?.error).toContain('"five"');
    expect(result.rules[1]?.matched).toBe(false);
    expect(result.errors).toHaveLength(1);
  });

  it('resolves @ values against the final features, leaving out what fails', () => {
    const result = run([
      {
        name: 'dyn',
        labels: {
          'vendor.io/kernel-major': '@kernel.version.major',
          'vendor.io/missing': '@kernel.version.nosuch',
          'vendor.io/short': '@kernel.version',
          'vendor.io/var': '@rule.matched.later',
        },
        extendedResources: { 'vendor.io/gpus': '@kernel.version.minor' },
        vars: { later: 'set' },
      },
    ]);
    expect(result.labels).toEqual({ 'vendor.io/kernel-major': '6', 'vendor.io/var': 'set' });
    expect(result.extendedResources).toEqual({ 'vendor.io/gpus': '1' });
    expect(result.errors).toEqual([
      'failed to get dynamic value for label "vendor.io/missing": element nosuch not found on feature kernel.version',
      'failed to get dynamic value for label "vendor.io/short": value @kernel.version is not in the form of \'@domain.feature.element\'',
    ]);
  });

  it('validates outputs and leaves invalid ones out', () => {
    const result = run([
      {
        name: 'bad outputs',
        labels: { 'kubernetes.io/x': 'y', 'vendor.io/value': 'not valid!' },
        annotations: { 'vendor.io/big': 'x'.repeat(1025) },
        extendedResources: { 'vendor.io/r': '1Gb' },
        taints: [
          { key: 'vendor.io/t', value: 'v', effect: 'NoSchedule' },
          { key: 'plain', effect: 'NoSchedule' },
          { key: 'vendor.io/e', effect: 'Sometimes' },
        ],
      },
    ]);
    expect(result.labels).toEqual({});
    expect(result.annotations).toEqual({});
    expect(result.extendedResources).toEqual({});
    expect(result.taints).toEqual([{ key: 'vendor.io/t', value: 'v', effect: 'NoSchedule' }]);
    expect(result.errors).toEqual([
      'invalid label "kubernetes.io/x":"y" namespace is not allowed',
      expect.stringMatching(
        /^invalid label "vendor.io\/value":"not valid!" invalid value "not valid!": a valid label/,
      ),
      'invalid annotation "vendor.io/big":"' +
        'x'.repeat(1025) +
        '" invalid value: too long: feature annotations must not be longer than 1024 characters',
      expect.stringMatching(
        /^invalid extended resource "vendor.io\/r":"1Gb" invalid value "1Gb": quantities must match/,
      ),
      'invalid taint plain=:NoSchedule: unprefixed keys are not allowed',
      'invalid taint vendor.io/e=:Sometimes: invalid taint effect',
    ]);
  });

  it('is reusable: each run starts from the input features', () => {
    const set = compileRuleSet([{ name: 'v', vars: { x: '1' } }]);
    const index = indexFeatures(features);
    set.run(index);
    expect(index.features.has('rule.matched')).toBe(false);
    expect(set.run(index).rules[0]?.matched).toBe(true);
  });

  it('short-circuits matchAny without templates, hiding later errors (Q10)', () => {
    const rule: Rule = {
      name: 'any',
      labels: { 'vendor.io/nic': 'true' },
      matchAny: [
        {
          matchFeatures: [
            { feature: 'pci.device', matchExpressions: { vendor: { op: 'In', value: ['8086'] } } },
          ],
        },
        {
          matchFeatures: [
            { feature: 'kernel.version', matchExpressions: { major: { op: 'Gt', value: ['x'] } } },
          ],
        },
      ],
    };
    expect(run([rule]).errors).toEqual([]);
    expect(run([rule]).labels).toEqual({ 'vendor.io/nic': 'true' });
  });
});

describe('NodeFeatureGroup dryrun (§7.3)', () => {
  it('is the OR of its rules and feeds vars back', () => {
    const result = compileGroupRuleSet([
      {
        name: 'amd',
        matchFeatures: [
          { feature: 'cpu.model', matchExpressions: { vendor_id: { op: 'In', value: ['AMD'] } } },
        ],
      },
      {
        name: 'intel',
        vars: { intel: 'true' },
        matchFeatures: [
          { feature: 'cpu.model', matchExpressions: { vendor_id: { op: 'In', value: ['Intel'] } } },
        ],
      },
      {
        name: 'uses var',
        matchFeatures: [{ feature: 'rule.matched', matchExpressions: { intel: { op: 'IsTrue' } } }],
      },
    ]).run(indexFeatures(features));
    expect(result.matched).toBe(true);
    expect(result.rules.map((r) => [r.name, r.matched])).toEqual([
      ['amd', false],
      ['intel', true],
      ['uses var', true],
    ]);
    expect(result.errors).toEqual([]);
  });
});

describe('rules with Go zero values (issue 15: `null` in a list, a missing field)', () => {
  // The evaluating loader decodes `matchFeatures: [null]`, `matchAny: [null]` and `taints: [null]`
  // into empty objects, as Go's zero values: no feature (""), no terms, no key or effect ("").
  it('a term without feature matches nothing; an element without terms matches; no crash', () => {
    const rules = [
      { name: 'no feature', labels: { a: 'true' }, matchFeatures: [{}] },
      { name: 'empty element', labels: { b: 'true' }, matchAny: [{}] },
    ] as unknown as Rule[];
    const result = run(rules);
    expect(result.errors).toEqual([]);
    expect(result.rules.map((rule) => rule.matched)).toEqual([false, true]);
  });

  it('a taint without key or effect is an invalid output, not a crash', () => {
    const result = run([{ name: 't', taints: [{}] }] as unknown as Rule[]);
    expect(result.errors).toEqual(['invalid taint =:: unprefixed keys are not allowed']);
  });
});
