import { type CompatibilitySpec, loadCompatibilitySpec } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { compileCompatibilitySpec, isCompatible } from './compatibility.ts';
import { indexFeatures } from './features.ts';

const BLOG_SPEC = `version: v1alpha1
compatibilities:
- description: "My image requirements"
  rules:
  - name: "kernel and cpu"
    matchFeatures:
    - feature: kernel.loadedmodule
      matchExpressions:
        vfio-pci: {op: Exists}
    - feature: cpu.model
      matchExpressions:
        vendor_id: {op: In, value: ["Intel", "AMD"]}
  - name: "one of available nics"
    matchAny:
    - matchFeatures:
      - feature: pci.device
        matchExpressions:
          vendor: {op: In, value: ["0eee"]}
          class: {op: In, value: ["0200"]}
    - matchFeatures:
      - feature: pci.device
        matchExpressions:
          vendor: {op: In, value: ["0fff"]}
          class: {op: In, value: ["0200"]}
`;

function spec(text: string): CompatibilitySpec {
  const loaded = loadCompatibilitySpec(text, { file: 'spec.yaml' });
  if (!loaded.ok || loaded.documents[0] === undefined) throw new Error('fixture spec does not load');
  return loaded.documents[0].value;
}

const node = indexFeatures({
  flags: { 'kernel.loadedmodule': { elements: { vfio_pci: {} } } },
  attributes: { 'cpu.model': { elements: { vendor_id: 'Intel', family: '6' } } },
  instances: { 'pci.device': { elements: [{ attributes: { vendor: '0eee', class: '0200' } }] } },
});

const expr = (feature: string, name: string, op: string, value: string[] | undefined, isMatch: boolean) => ({
  feature,
  name,
  expression: value === undefined ? { op } : { op, value },
  matcherType: 'matchExpression',
  isMatch,
});

describe('validate-node report (matching.md §10)', () => {
  it('gives the blog example upstream’s report: vfio-pci never matches the loaded vfio_pci', () => {
    const statuses = compileCompatibilitySpec(spec(BLOG_SPEC)).evaluate(node);
    expect(statuses).toEqual([
      {
        rules: [
          {
            name: 'kernel and cpu',
            isMatch: false,
            matchedExpressions: [
              expr('cpu.model', 'vendor_id', 'In', ['Intel', 'AMD'], true),
              expr('kernel.loadedmodule', 'vfio-pci', 'Exists', undefined, false),
            ],
          },
          {
            name: 'one of available nics',
            isMatch: true,
            matchedAny: [
              {
                matchedExpressions: [
                  expr('pci.device', 'class', 'In', ['0200'], true),
                  expr('pci.device', 'vendor', 'In', ['0eee'], true),
                ],
              },
              {
                // Full-status mode collects expressions that held for some instance (§3.3).
                matchedExpressions: [
                  expr('pci.device', 'class', 'In', ['0200'], true),
                  expr('pci.device', 'vendor', 'In', ['0fff'], false),
                ],
              },
            ],
          },
        ],
        description: 'My image requirements',
      },
    ]);
    expect(isCompatible(statuses)).toBe(false);
  });

  it('filters sets by tag, skipping untagged ones, and omits zero weights and empty strings', () => {
    const text = `version: v1alpha1
compatibilities:
- tag: preferred
  weight: 10
  rules: [{name: a, matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [AMD]}}}]}]
- tag: fallback
  weight: 0
  rules: [{name: b, matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [Intel]}}}]}]
- rules: []
`;
    const compiled = compileCompatibilitySpec(spec(text));
    const all = compiled.evaluate(node);
    expect(all.map((s) => [s.tag, s.weight, s.rules?.length ?? null])).toEqual([
      ['preferred', 10, 1],
      ['fallback', undefined, 1],
      [undefined, undefined, null],
    ]);
    expect(isCompatible(all)).toBe(true);
    const fallback = compiled.evaluate(node, { tags: ['fallback'] });
    expect(fallback).toHaveLength(1);
    expect(fallback[0]?.tag).toBe('fallback');
    expect(isCompatible(compiled.evaluate(node, { tags: ['preferred'] }))).toBe(false);
    expect(compiled.evaluate(node, { tags: ['nope'] })).toEqual([]);
  });

  it('sorts entries by feature, name, then expression text, matchName first (empty name)', () => {
    const text = `version: v1alpha1
compatibilities:
- rules:
  - name: r
    matchFeatures:
    - feature: cpu.model
      matchName: {op: In, value: [vendor_id]}
      matchExpressions:
        vendor_id: {op: Exists}
        family: {op: In, value: ["6"]}
    - feature: cpu.model
      matchExpressions:
        vendor_id: {op: In, value: [Intel]}
`;
    const [status] = compileCompatibilitySpec(spec(text)).evaluate(node);
    expect(
      status?.rules?.[0]?.matchedExpressions?.map((e) => [e.name, e.matcherType, e.expression.op]),
    ).toEqual([
      ['', 'matchName', 'In'],
      ['family', 'matchExpression', 'In'],
      ['vendor_id', 'matchExpression', 'Exists'],
      ['vendor_id', 'matchExpression', 'In'],
    ]);
  });

  it('marks an expression on a capitalised feature name unmatched even when the rule matches (Q18)', () => {
    const text = `version: v1alpha1
compatibilities:
- rules: [{name: r, matchFeatures: [{feature: CPU.model, matchExpressions: {vendor_id: {op: In, value: [Intel]}}}]}]
`;
    const [status] = compileCompatibilitySpec(spec(text)).evaluate(node);
    expect(status?.rules?.[0]?.isMatch).toBe(true);
    expect(status?.rules?.[0]?.matchedExpressions?.[0]?.isMatch).toBe(false);
  });

  it('feeds vars across sets, including those of a rule whose matchAny failed (Q16)', () => {
    const text = `version: v1alpha1
compatibilities:
- rules:
  - name: sets var
    vars: {seen: "true"}
    matchAny: [{matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [AMD]}}}]}]
- rules:
  - name: reads var
    matchFeatures: [{feature: rule.matched, matchExpressions: {seen: {op: IsTrue}}}]
`;
    const statuses = compileCompatibilitySpec(spec(text)).evaluate(node);
    expect(statuses.map((s) => s.rules?.[0]?.isMatch)).toEqual([false, true]);
  });

  it('explains what the node has', () => {
    const [status] = compileCompatibilitySpec(spec(BLOG_SPEC)).evaluate(node, { explain: true });
    const entries = status?.rules?.[0]?.matchedExpressions;
    expect(entries?.[0]?.host).toEqual({ featurePresent: true, value: 'Intel' });
    expect(entries?.[1]?.host).toEqual({ featurePresent: true, flag: false });
    const nic = status?.rules?.[1]?.matchedAny?.[1]?.matchedExpressions?.[1];
    expect(nic?.host).toEqual({ featurePresent: true, instances: ['0eee'] });
  });

  it('aborts the whole validation on an evaluation error', () => {
    const text = `version: v1alpha1
compatibilities:
- rules: [{name: bad, matchFeatures: [{feature: cpu.model, matchExpressions: {family: {op: Gt, value: [x]}}}]}]
`;
    expect(() => compileCompatibilitySpec(spec(text)).evaluate(node)).toThrow(
      /rule "bad".*"x" is not a number/,
    );
  });
});

describe('CompiledSpec.features', () => {
  it('names every feature the rules read, matchAny included, and rule.matched', () => {
    const compiled = compileCompatibilitySpec({
      version: 'v1alpha1',
      compatibilities: [
        {
          rules: [
            {
              name: 'a',
              matchFeatures: [
                { feature: 'kernel.version', matchExpressions: { major: { op: 'Gt', value: ['5'] } } },
              ],
              matchAny: [
                {
                  matchFeatures: [{ feature: 'pci.device', matchExpressions: { vendor: { op: 'Exists' } } }],
                },
              ],
            },
          ],
        },
        { rules: [{ name: 'b', matchFeatures: [{ feature: 'cpu.cpuid', matchName: { op: 'Exists' } }] }] },
      ],
    } as Parameters<typeof compileCompatibilitySpec>[0]);
    expect(compiled.features).toEqual(['cpu.cpuid', 'kernel.version', 'pci.device', 'rule.matched']);
  });
});
