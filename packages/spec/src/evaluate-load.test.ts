import { describe, expect, it } from 'vitest';
import { NfdError } from './errors.ts';
import {
  loadCompatibilitySpecForEvaluation,
  loadNodeFeaturesForEvaluation,
  loadRuleFileForEvaluation,
} from './evaluate-load.ts';
import { formatIssue } from './issue.ts';
import type { Rule } from './rule.ts';

const file = 'rules.yaml';
const header =
  'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nmetadata: {name: t}\nspec:\n  rules:\n';

function rules(body: string, head = header) {
  return loadRuleFileForEvaluation(`${head}${body}`, { file });
}

function fails(run: () => unknown): NfdError {
  try {
    run();
  } catch (error) {
    if (error instanceof NfdError) return error;
    throw error;
  }
  throw new Error('expected an NfdError');
}

describe('loadRuleFileForEvaluation: every rule on its own (matching.md §9.4)', () => {
  it('keeps a rule whose operator or value count is wrong: the engine errors on it at evaluation, as upstream', () => {
    const loaded = rules(`    - name: foo
      matchFeatures: [{feature: kernel.version, matchExpressions: {major: {op: Foo}}}]
    - name: count
      matchFeatures: [{feature: kernel.version, matchExpressions: {major: {op: In}}}]
    - name: fine
      matchFeatures: [{feature: kernel.version, matchExpressions: {major: {op: Exists}}}]
`);
    expect(loaded.kind).toBe('NodeFeatureRule');
    expect(loaded.rules.map((entry) => ('rule' in entry ? entry.rule.name : `error:${entry.name}`))).toEqual([
      'foo',
      'count',
      'fine',
    ]);
    const [foo] = loaded.rules;
    expect(
      foo !== undefined && 'rule' in foo && foo.rule.matchFeatures?.[0]?.matchExpressions?.major?.op,
    ).toBe('Foo');
  });

  it('makes a rule that does not decode an errored entry with Go’s message, and decodes the others', () => {
    const loaded = rules(`    - name: first
      labels: {a: "1"}
    - name: broken
      matchFeatures: [{feature: kernel.version, matchExpressions: {major: {op: In, value: 5}}}]
    - name: third
`);
    expect(loaded.rules).toEqual([
      { name: 'first', rule: { name: 'first', labels: { a: '1' } } },
      {
        name: 'broken',
        error:
          'cannot decode the rule (rules.yaml:9:91): json: cannot unmarshal number into Go struct field MatchExpression.spec.rules.matchFeatures.matchExpressions.value of type v1alpha1.MatchValue',
      },
      { name: 'third', rule: { name: 'third' } },
    ]);
  });

  it('ignores unknown fields with one warning each, did-you-mean included, and matches fields case-insensitively', () => {
    const loaded = rules(`    - name: typo
      Labels: {x: "1"}
      matchFeatures:
        - feature: kernel.version
          matchExpressions:
            major: {op: In, values: ["6"]}
`);
    const [entry] = loaded.rules;
    expect(entry !== undefined && 'rule' in entry && entry.rule).toEqual({
      name: 'typo',
      labels: { x: '1' },
      matchFeatures: [{ feature: 'kernel.version', matchExpressions: { major: { op: 'In' } } }],
    });
    expect(loaded.warnings.map(formatIssue)).toEqual([
      'rules.yaml:11:29: warning: spec.rules[0].matchFeatures[0].matchExpressions.major.values: unknown field "values" ignored, as upstream does (did you mean "value"?)',
    ]);
  });

  it('reads YAML 1.1 scalars as Go does: y is "true" in a string field, 0755 is "493", 1.10 is "1.1"', () => {
    const loaded = rules(`    - name: scalars
      labels: {a: y, b: 0755, c: 1.10, y: "key"}
`);
    const [entry] = loaded.rules;
    expect(entry !== undefined && 'rule' in entry && (entry.rule as Rule).labels).toEqual({
      a: 'true',
      b: '493',
      c: '1.1',
      true: 'key',
    });
  });

  it('accepts OpenShift’s apiVersion silently and reads another one with a warning', () => {
    const openshift = rules('    - name: a\n', header.replace('nfd.k8s-sigs.io', 'nfd.openshift.io'));
    expect(openshift.warnings).toEqual([]);
    const other = rules('    - name: a\n', header.replace('nfd.k8s-sigs.io/v1alpha1', 'example.com/v1'));
    expect(other.rules).toHaveLength(1);
    expect(other.warnings.map(formatIssue)).toEqual([
      'rules.yaml:1:13: warning: apiVersion: apiVersion "example.com/v1" is not "nfd.k8s-sigs.io/v1alpha1" or "nfd.openshift.io/v1alpha1"; read as nfd.k8s-sigs.io/v1alpha1, as upstream does',
    ]);
  });

  it('uses every rule document of a stream in order and skips other kinds with a warning', () => {
    const text = `${header}    - name: one\n---\napiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n---\n${header}    - name: two\n`;
    const loaded = loadRuleFileForEvaluation(text, { file });
    expect(loaded.rules.map((entry) => entry.name)).toEqual(['one', 'two']);
    expect(loaded.warnings.map(formatIssue)).toEqual([
      'rules.yaml:8:1: warning: document 2 is a ConfigMap (v1), not a NodeFeatureRule: skipped',
    ]);
  });

  it('reads a NodeFeatureGroup’s featureGroupRules', () => {
    const loaded = loadRuleFileForEvaluation(
      'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureGroup\nspec:\n  featureGroupRules:\n    - name: g\n      vars: {v: on}\n',
      { file },
    );
    expect(loaded).toMatchObject({
      kind: 'NodeFeatureGroup',
      rules: [{ name: 'g', rule: { name: 'g', vars: { v: 'true' } } }],
    });
  });

  it('names a document of another kind in one line (an OLM ClusterServiceVersion)', () => {
    const error = fails(() =>
      loadRuleFileForEvaluation(
        'apiVersion: operators.coreos.com/v1alpha1\nkind: ClusterServiceVersion\nmetadata: {name: x}\nspec: {a: 1, b: 2, c: 3}\n',
        { file: 'csv.yaml' },
      ),
    );
    expect(error.message).toBe(
      'csv.yaml is a ClusterServiceVersion (operators.coreos.com/v1alpha1), not a NodeFeatureRule or NodeFeatureGroup',
    );
  });

  it('reports a YAML syntax error once per line, and says to render a Helm template first', () => {
    const error = fails(() =>
      loadRuleFileForEvaluation(
        `${header}    - name: {{ .Values.name }}\n      labels: {{- toYaml . | nindent 8 }}\n`,
        {
          file: 'chart.yaml',
        },
      ),
    );
    const lines = error.message.split('\n');
    expect(new Set(lines.map((line) => line.split(':')[1])).size).toBe(lines.length);
    expect(error.hint).toMatch(/render it first/);
  });

  it('is a file-level error when spec.rules is not a list', () => {
    const error = fails(() =>
      loadRuleFileForEvaluation(`${header.replace('  rules:\n', '  rules: {a: 1}\n')}`, { file }),
    );
    expect(error.message).toBe(
      'rules.yaml:5:10: json: cannot unmarshal object into Go struct field NodeFeatureRuleSpec.spec.rules of type []v1alpha1.Rule',
    );
  });

  it('accepts a flow list closed at its key’s column, as go-yaml does (a ROCm rule file)', () => {
    const loaded = rules(`    - name: gpu
      matchFeatures:
        - feature: pci.device
          matchExpressions:
            device: {op: In, value: [
              "74a1",
              "74a5"
            ]}
`);
    const [entry] = loaded.rules;
    expect(
      entry !== undefined &&
        'rule' in entry &&
        entry.rule.matchFeatures?.[0]?.matchExpressions?.device?.value,
    ).toEqual(['74a1', '74a5']);
  });
});

describe('loadCompatibilitySpecForEvaluation', () => {
  it('keeps a set without rules and a spec without sets (§9.3: matched / none matches)', () => {
    expect(
      loadCompatibilitySpecForEvaluation('version: v1alpha1\ncompatibilities:\n  - rules: []\n    tag: t\n', {
        file: 's.yaml',
      }).spec,
    ).toEqual({ version: 'v1alpha1', compatibilities: [{ rules: [], tag: 't' }] });
    expect(
      loadCompatibilitySpecForEvaluation('version: v1alpha1\ncompatibilities: []\n', { file: 's.yaml' }).spec,
    ).toEqual({
      version: 'v1alpha1',
      compatibilities: [],
    });
  });

  it('reads weight as Go reads an int, and refuses a fractional one with Go’s message', () => {
    const error = fails(() =>
      loadCompatibilitySpecForEvaluation('version: v1alpha1\ncompatibilities:\n  - weight: 5.5\n', {
        file: 's.yaml',
      }),
    );
    expect(error.message).toBe(
      's.yaml:3:13: json: cannot unmarshal number 5.5 into Go struct field Compatibility.compatibilities.weight of type int',
    );
  });
});

describe('loadNodeFeaturesForEvaluation', () => {
  it('takes a NodeFeature and a bare features document', () => {
    const nodeFeature = loadNodeFeaturesForEvaluation(
      'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeature\nspec:\n  features:\n    attributes:\n      kernel.version: {elements: {major: 6}}\n',
      { file: 'nf.yaml' },
    );
    expect(nodeFeature.nodeFeatures[0]?.spec.features.attributes).toEqual({
      'kernel.version': { elements: { major: '6' } },
    });
    const bare = loadNodeFeaturesForEvaluation('{"flags": {"cpu.cpuid": {"elements": {"AVX": {}}}}}', {
      file: 'f.json',
    });
    expect(bare.nodeFeatures[0]?.spec.features).toEqual({
      flags: { 'cpu.cpuid': { elements: { AVX: {} } } },
      attributes: {},
      instances: {},
    });
  });

  it.each([
    [
      'package.json',
      '{"name": "x", "version": "1.0.0"}',
      'package.json is not a NodeFeature (it has no `kind`/`spec.features`)',
    ],
    ['empty.json', '{}', 'empty.json is not a NodeFeature (it has no `kind`/`spec.features`)'],
    [
      'spec.yaml',
      'version: v1alpha1\ncompatibilities: []\n',
      'spec.yaml is not a NodeFeature (it has no `kind`/`spec.features`)',
    ],
    [
      'rule.yaml',
      'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nspec: {rules: []}\n',
      'rule.yaml is not a NodeFeature (it is a NodeFeatureRule (nfd.k8s-sigs.io/v1alpha1))',
    ],
  ])('refuses %s: a usage error, never an empty node', (name, text, message) => {
    const error = fails(() => loadNodeFeaturesForEvaluation(text, { file: name }));
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe(message);
  });
});
