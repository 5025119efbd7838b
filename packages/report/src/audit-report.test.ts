// Audit of report rendering against matching.md §9.3 (dryrun JSON) and §10.1 (validate-node JSON).
import { describe, expect, it } from 'vitest';
import { type CompatibilityStatus, goJson, renderCompatibilityReport } from './compatibility-report.ts';
import { type DryrunReport, renderDryrun } from './dryrun-report.ts';

describe('validate-node JSON (§10.1)', () => {
  const statuses: CompatibilityStatus[] = [
    {
      rules: [
        {
          name: 'a<b>&c',
          isMatch: true,
          matchedExpressions: [
            {
              feature: 'cpu.model',
              name: 'vendor_id',
              expression: { op: 'InRegexp', value: ['^<&>\u2028\u2029$'] },
              matcherType: 'matchExpression',
              isMatch: true,
              host: { featurePresent: true, value: 'x' },
            },
          ],
          matchedAny: [{ matchedExpressions: null }],
        },
      ],
      description: 'd',
      weight: 2,
      tag: 't',
    },
    { rules: null },
  ];

  it('is compact Go JSON: < > & U+2028 U+2029 escaped, null kept, key order kept, host stripped', () => {
    const json = renderCompatibilityReport(statuses, 'json');
    expect(json.trimEnd()).toBe(
      '[{"rules":[{"name":"a\\u003cb\\u003e\\u0026c","isMatch":true,"matchedExpressions":[{"feature":"cpu.model",' +
        '"name":"vendor_id","expression":{"op":"InRegexp","value":["^\\u003c\\u0026\\u003e\\u2028\\u2029$"]},' +
        '"matcherType":"matchExpression","isMatch":true}],"matchedAny":[{"matchedExpressions":null}]}],' +
        '"description":"d","weight":2,"tag":"t"},{"rules":null}]',
    );
    expect(JSON.parse(json)).toMatchObject([{ rules: [{ name: 'a<b>&c' }] }, { rules: null }]);
  });

  it('keeps host facts with explain, and gives [] for no sets', () => {
    expect(renderCompatibilityReport(statuses, 'json', { explain: true })).toContain(
      '"host":{"featurePresent":true,"value":"x"}',
    );
    expect(renderCompatibilityReport([], 'json').trimEnd()).toBe('[]');
  });

  it('escapes control characters as Go does', () => {
    expect(goJson('\b\f\n\r\t\x01\x1f\x7f"\\')).toBe('"\\b\\f\\n\\r\\t\\u0001\\u001f\x7f\\"\\\\"');
  });
});

describe('dryrun JSON (§9.3)', () => {
  const report: DryrunReport = {
    rules: [
      {
        name: 'ok',
        matched: true,
        labels: { a: '@x.y.z' },
        annotations: {},
        vars: { v: '1' },
        extendedResources: {},
        taints: [{ key: 'vendor.io/t', effect: 'NoSchedule' }],
      },
      {
        name: 'bad',
        matched: false,
        error: 'boom',
        labels: {},
        annotations: {},
        vars: {},
        extendedResources: {},
        taints: [],
      },
    ],
    labels: {},
    annotations: {},
    extendedResources: {},
    taints: [],
    errors: ['boom'],
  };

  it('has the contract’s keys, in order, with error only on errored rules', () => {
    const doc = JSON.parse(renderDryrun(report, 'json', { ruleFile: 'r', featureFiles: ['n'] }));
    expect(Object.keys(doc)).toEqual([
      'rules',
      'labels',
      'annotations',
      'extendedResources',
      'taints',
      'errors',
    ]);
    expect(Object.keys(doc.rules[0])).toEqual([
      'name',
      'matched',
      'labels',
      'annotations',
      'vars',
      'extendedResources',
      'taints',
    ]);
    expect(doc.rules[1]).toMatchObject({ name: 'bad', matched: false, error: 'boom', taints: [] });
    expect(doc.rules[0].taints).toEqual([{ key: 'vendor.io/t', effect: 'NoSchedule' }]);
  });
});
