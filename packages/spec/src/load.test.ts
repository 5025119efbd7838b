import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NfdError } from './errors.ts';
import { formatIssue } from './issue.ts';
import {
  loadCompatibilitySpec,
  loadNodeFeature,
  loadNodeFeatureGroup,
  loadNodeFeatureRule,
  readCompatibilitySpecFile,
  readNodeFeatureFile,
  readNodeFeatureGroupFile,
  readNodeFeatureRuleFile,
} from './load.ts';
import type { LoadResult } from './load-result.ts';

const fixtures = join(import.meta.dirname, '..', 'test', 'fixtures');

function formatted<T>(result: LoadResult<T>): string[] {
  return result.ok ? result.warnings.map(formatIssue) : result.issues.map(formatIssue);
}

function lines(text: string): string[] {
  const result = loadCompatibilitySpec(text, { file: 'spec.yaml', check: true });
  expect(result.ok).toBe(false);
  return formatted(result);
}

describe('seed examples', async () => {
  const files = (await readdir(join(fixtures, 'seeds'))).filter((name) => name.endsWith('.yaml'));

  it('has the three seed specs', () => {
    expect(files.toSorted()).toEqual(['002-blog-spec.yaml', '003-docs-spec.yaml', '004-kep-spec.yaml']);
  });

  it.each(files)('%s loads with no issues, checks included', async (name) => {
    const result = await readCompatibilitySpecFile(join(fixtures, 'seeds', name), { check: true });
    expect(formatted(result)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('keeps what the KEP example says', async () => {
    const result = await readCompatibilitySpecFile(join(fixtures, 'seeds', '004-kep-spec.yaml'));
    if (!result.ok) throw new Error('expected the KEP example to load');
    const [document] = result.documents;
    expect(document?.value.compatibilities.map(({ tag, weight }) => ({ tag, weight }))).toEqual([
      { tag: 'prefered', weight: 10 },
      { tag: 'fallback', weight: 1 },
    ]);
    expect(document?.value.compatibilities[0]?.rules[0]?.matchFeatures?.[0]).toEqual({
      feature: 'kernel.loadedmodule',
      matchExpressions: { 'vfio-pci': { op: 'Exists' } },
    });
    expect(document?.locate(['compatibilities', 1, 'rules', 0, 'name'])).toEqual({ line: 20, column: 15 });
  });
});

// Each case: what the user wrote, and the exact lines `validate-spec` prints for it.
const INVALID: [string, string, string[]][] = [
  [
    'typo in a term field',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n    - feature: kernel.loadedmodule\n      matchExpresions:\n        vfio-pci: {op: Exists}\n',
    [
      'spec.yaml:7:7: error: compatibilities[0].rules[0].matchFeatures[0].matchExpresions: unknown field "matchExpresions" (did you mean "matchExpressions"?)',
    ],
  ],
  [
    'typo at the top level',
    'version: v1alpha1\ncompatibility:\n- rules: []\n',
    ['spec.yaml:2:1: error: compatibility: unknown field "compatibility" (did you mean "compatibilities"?)'],
  ],
  [
    'typo in a set field',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n  weigth: 3\n',
    ['spec.yaml:5:3: error: compatibilities[0].weigth: unknown field "weigth" (did you mean "weight"?)'],
  ],
  [
    'typo in a rule field',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeature: []\n',
    [
      'spec.yaml:5:5: error: compatibilities[0].rules[0].matchFeature: unknown field "matchFeature" (did you mean "matchFeatures"?)',
    ],
  ],
  [
    'typo in an expression field',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n    - feature: cpu.model\n      matchExpressions:\n        vendor_id: {op: In, values: ["Intel"]}\n',
    [
      'spec.yaml:8:20: error: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.vendor_id: In needs at least 1 value; got 0',
      'spec.yaml:8:29: error: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.vendor_id.values: unknown field "values" (did you mean "value"?)',
    ],
  ],
  [
    'unknown field with no close match',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    labels: {a: b}\n',
    [
      'spec.yaml:5:5: error: compatibilities[0].rules[0].labels: unknown field "labels"; expected one of: name, vars, varsTemplate, matchFeatures, matchAny',
    ],
  ],
  [
    'lowercase op',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n    - feature: cpu.model\n      matchExpressions:\n        vendor_id: {op: in, value: ["Intel"]}\n',
    [
      'spec.yaml:8:25: error: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.vendor_id.op: expected one of In, NotIn, InRegexp, Exists, DoesNotExist, Gt, Ge, Lt, Le, GtLt, GeLe, IsTrue, IsFalse; got "in"',
    ],
  ],
  [
    'number in value',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n    - feature: kernel.version\n      matchExpressions:\n        major: {op: Gt, value: [10]}\n',
    [
      'spec.yaml:8:33: error: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.major.value[0]: expected a string; quote it: "10"',
    ],
  ],
  [
    'value not a list',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n    - feature: cpu.model\n      matchExpressions:\n        vendor_id: {op: In, value: Intel}\n',
    [
      'spec.yaml:8:36: error: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.vendor_id.value: expected a list; got the string "Intel"',
    ],
  ],
  [
    'missing version',
    'compatibilities:\n- rules:\n  - name: r\n',
    ['spec.yaml:1:1: error: missing required field "version"'],
  ],
  [
    'unsupported version',
    'version: v2\ncompatibilities:\n- rules:\n  - name: r\n',
    ['spec.yaml:1:10: error: version: unsupported version "v2"; supported: v1alpha1'],
  ],
  [
    'empty compatibilities',
    'version: v1alpha1\ncompatibilities: []\n',
    ['spec.yaml:2:18: error: compatibilities: expected at least one compatibility set'],
  ],
  [
    'compatibilities not a list',
    'version: v1alpha1\ncompatibilities:\n  rules: []\n',
    ['spec.yaml:3:3: error: compatibilities: expected a list; got a mapping'],
  ],
  [
    'weight as a string',
    'version: v1alpha1\ncompatibilities:\n- weight: "10"\n  rules:\n  - name: r\n',
    ['spec.yaml:3:11: error: compatibilities[0].weight: expected an integer; got the string "10"'],
  ],
  [
    'weight as a float',
    'version: v1alpha1\ncompatibilities:\n- weight: 1.5\n  rules:\n  - name: r\n',
    ['spec.yaml:3:11: error: compatibilities[0].weight: expected an integer; got the number 1.5'],
  ],
  [
    'rules missing',
    'version: v1alpha1\ncompatibilities:\n- tag: fallback\n',
    ['spec.yaml:3:3: error: compatibilities[0]: missing required field "rules"'],
  ],
  [
    'duplicate rule names',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: cpu\n  - name: kernel\n  - name: cpu\n',
    [
      'spec.yaml:6:11: error: compatibilities[0].rules[2].name: duplicate rule name "cpu"; first used at line 4',
    ],
  ],
  [
    'In with no values',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n    - feature: cpu.model\n      matchExpressions:\n        vendor_id: {op: In}\n',
    [
      'spec.yaml:8:20: error: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.vendor_id: In needs at least 1 value; got 0',
    ],
  ],
  [
    'GtLt with one value',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n    - feature: kernel.version\n      matchExpressions:\n        major: {op: GtLt, value: ["5"]}\n',
    [
      'spec.yaml:8:34: error: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.major.value: GtLt needs exactly 2 values; got 1',
    ],
  ],
  [
    'Exists with values',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n    - feature: kernel.loadedmodule\n      matchExpressions:\n        vfio-pci: {op: Exists, value: ["x"]}\n',
    [
      'spec.yaml:8:39: error: compatibilities[0].rules[0].matchFeatures[0].matchExpressions["vfio-pci"].value: Exists takes no values; got 1',
    ],
  ],
  [
    'bad type',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n    - feature: kernel.version\n      matchExpressions:\n        full: {op: Ge, value: ["5.4"], type: semver}\n',
    [
      'spec.yaml:8:46: error: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.full.type: type must be "" or "version"; got "semver"',
    ],
  ],
  [
    'YAML syntax error',
    'version: v1alpha1\ncompatibilities: [\n- rules: []\n',
    [
      // One message per broken line, not one per token.
      'spec.yaml:3:1: error: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
  ],
  [
    'duplicate key',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    name: s\n',
    ['spec.yaml:5:5: error: duplicate key "name"'],
  ],
  [
    'empty file',
    '',
    [
      'spec.yaml:1:1: error: the file is empty; expected an image compatibility spec with `version` and `compatibilities`',
    ],
  ],
  [
    'comments only',
    '# nothing here yet\n',
    [
      'spec.yaml:1:1: error: the file is empty; expected an image compatibility spec with `version` and `compatibilities`',
    ],
  ],
  [
    'error in the second document',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n---\nversion: v1alpha1\ncompatibilities:\n- rules:\n  - nme: r\n',
    ['spec.yaml:9:5: error: compatibilities[0].rules[0].nme: unknown field "nme" (did you mean "name"?)'],
  ],
  [
    'JSON with an error',
    '{\n  "version": "v1alpha1",\n  "compatibilities": [\n    {"rules": [{"name": "r", "matchFeatures": [{"feature": "kernel.version", "matchExpressions": {"major": {"op": "Gt", "value": [5]}}}]}]}\n  ]\n}\n',
    [
      'spec.yaml:4:131: error: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.major.value[0]: expected a string; quote it: "5"',
    ],
  ],
  ['top level is a list', '- version: v1alpha1\n', ['spec.yaml:1:1: error: expected a mapping; got a list']],
  [
    'empty rule name',
    'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: ""\n',
    ['spec.yaml:4:11: error: compatibilities[0].rules[0].name: rule name must not be empty'],
  ],
  [
    'several problems at once',
    'version: v1\ncompatibilities:\n- weight: high\n  rules:\n  - name: r\n    matchAny:\n    - matchFeatures:\n      - feature: pci.device\n        matchExpressions:\n          vendor: {op: In, value: [0x10de]}\n  - name: r\n',
    [
      'spec.yaml:1:10: error: version: unsupported version "v1"; supported: v1alpha1',
      'spec.yaml:3:11: error: compatibilities[0].weight: expected an integer; got the string "high"',
      'spec.yaml:10:36: error: compatibilities[0].rules[0].matchAny[0].matchFeatures[0].matchExpressions.vendor.value[0]: expected a string; quote it: "0x10de"',
      'spec.yaml:11:11: error: compatibilities[0].rules[1].name: duplicate rule name "r"; first used at line 5',
    ],
  ],
];

describe('invalid compatibility specs', () => {
  it('has at least twenty cases', () => {
    expect(INVALID.length).toBeGreaterThanOrEqual(20);
  });

  it.each(INVALID)('%s', (_, text, expected) => {
    expect(lines(text)).toEqual(expected);
  });
});

describe('loadCompatibilitySpec', () => {
  const valid = 'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n';

  it('reads every document of a stream, skipping empty ones', () => {
    const result = loadCompatibilitySpec(`${valid}---\n${valid}---\n`, { file: 'spec.yaml' });
    expect(result.ok && result.documents.map((document) => document.index)).toEqual([0, 1]);
  });

  it('reads JSON', () => {
    const result = loadCompatibilitySpec(
      '{"version": "v1alpha1", "compatibilities": [{"rules": [{"name": "r"}]}]}',
      {
        file: 'spec.json',
      },
    );
    expect(result.ok && result.documents[0]?.value).toEqual({
      version: 'v1alpha1',
      compatibilities: [{ rules: [{ name: 'r' }] }],
    });
  });

  it('treats an explicit null as an absent optional field, and an omitted op as ""', () => {
    const text =
      'version: v1alpha1\ncompatibilities:\n- weight: null\n  tag: ~\n  rules:\n  - name: r\n    matchFeatures:\n' +
      '    - feature: cpu.model\n      matchName: {op: null, value: null}\n      matchExpressions:\n        a: {}\n';
    const result = loadCompatibilitySpec(text, { file: 'spec.yaml' });
    if (!result.ok) throw new Error(formatted(result).join('\n'));
    const set = result.documents[0]?.value.compatibilities[0];
    expect(set).toEqual({ rules: [expect.anything()] });
    expect(set?.weight).toBeUndefined();
    expect(set?.tag).toBeUndefined();
    expect(set?.rules[0]?.matchFeatures?.[0]).toEqual({
      feature: 'cpu.model',
      matchName: { op: '' },
      matchExpressions: { a: { op: '' } },
    });
  });

  it('keeps an empty matchExpressions apart from an omitted one', () => {
    const text =
      'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n' +
      '    - feature: a.b\n      matchExpressions: {}\n    - feature: c.d\n';
    const result = loadCompatibilitySpec(text, { file: 'spec.yaml' });
    const terms = result.ok
      ? result.documents[0]?.value.compatibilities[0]?.rules[0]?.matchFeatures
      : undefined;
    expect(terms?.[0]?.matchExpressions).toEqual({});
    expect(terms && Object.hasOwn(terms[1] ?? {}, 'matchExpressions')).toBe(false);
  });

  it('returns warnings without failing', () => {
    const text =
      'version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n    matchFeatures:\n' +
      '    - feature: cpu.CPUID\n      matchExpressions:\n        AVX: {}\n        x: {op: In, value: ["1"], type: version}\n';
    expect(formatted(loadCompatibilitySpec(text, { file: 'spec.yaml', check: true }))).toEqual([
      'spec.yaml:6:16: warning: compatibilities[0].rules[0].matchFeatures[0].feature: feature name "cpu.CPUID" has ' +
        'uppercase letters; upstream lower-cases rule feature names, so this only matches the feature "cpu.cpuid"',
      'spec.yaml:8:14: warning: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.AVX: no op: the expression matches anything',
      'spec.yaml:9:41: warning: compatibilities[0].rules[0].matchFeatures[0].matchExpressions.x.type: type "version" has ' +
        'no effect on In; only Gt, Ge, Lt, Le, GtLt, GeLe use it',
    ]);
  });

  it('runs the checks only when asked', () => {
    const result = loadCompatibilitySpec('version: v1alpha1\ncompatibilities:\n- rules: []\n', {
      file: 'spec.yaml',
    });
    expect(result).toMatchObject({ ok: true, warnings: [] });
  });

  it('locates a missing path at its nearest parent', () => {
    const result = loadCompatibilitySpec('version: v1alpha1\ncompatibilities:\n- rules:\n  - name: r\n', {
      file: 'f',
    });
    const document = result.ok ? result.documents[0] : undefined;
    expect(document?.locate([])).toEqual({ line: 1, column: 1 });
    expect(document?.locate(['compatibilities', 0, 'rules', 0, 'vars', 'x'])).toEqual({ line: 4, column: 5 });
  });

  it('follows aliases when locating', () => {
    const text =
      'version: v1alpha1\ncompatibilities:\n- rules: &r\n  - name: r\n    vars: {a: 1}\n- rules: *r\n';
    expect(lines(text)).toEqual([
      'spec.yaml:5:15: error: compatibilities[0].rules[0].vars.a: expected a string; quote it: "1"',
      'spec.yaml:5:15: error: compatibilities[1].rules[0].vars.a: expected a string; quote it: "1"',
    ]);
  });
});

describe('reading files', () => {
  it('turns an unreadable file into FILE_UNREADABLE naming the file and the reason', async () => {
    const path = join(fixtures, 'no-such-file.yaml');
    const error: unknown = await readCompatibilitySpecFile(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NfdError);
    expect(error).toMatchObject({
      code: 'FILE_UNREADABLE',
      message: `cannot read ${path}: no such file or directory (ENOENT)`,
    });
  });

  it('reports a directory', async () => {
    await expect(readNodeFeatureFile(fixtures)).rejects.toMatchObject({
      code: 'FILE_UNREADABLE',
      message: `cannot read ${fixtures}: illegal operation on a directory (EISDIR)`,
    });
  });
});

describe('Kubernetes objects', () => {
  it('loads a NodeFeatureRule from a cluster, tolerating managedFields and status', async () => {
    const result = await readNodeFeatureRuleFile(join(fixtures, 'node-feature-rule.yaml'));
    if (!result.ok) throw new Error(formatted(result).join('\n'));
    const rule = result.documents[0]?.value;
    expect(rule?.metadata?.name).toBe('my-sample-rule-object');
    expect(rule?.metadata?.managedFields).toHaveLength(1);
    expect(rule?.status).toEqual({ conditions: [] });
    expect(rule?.spec.rules[0]?.taints).toEqual([
      { key: 'example.com/special', value: 'true', effect: 'NoSchedule' },
    ]);
    expect(rule?.spec.rules[0]?.matchFeatures?.[1]).toEqual({
      feature: 'kernel.config',
      matchExpressions: {},
    });
    expect(rule?.spec.rules[0]?.matchAny?.[0]?.matchFeatures[0]?.matchName).toEqual({
      op: 'InRegexp',
      value: ['^AVX'],
    });
  });

  it('loads a NodeFeature, keeping absent and empty element maps apart', async () => {
    const result = await readNodeFeatureFile(join(fixtures, 'node-feature.yaml'));
    if (!result.ok) throw new Error(formatted(result).join('\n'));
    const { features, labels } = result.documents[0]?.value.spec ?? {};
    expect(features?.flags['cpu.cpuid']?.elements).toEqual({ AVX: {}, SSE4: null });
    expect(Object.keys(features?.flags['cpu.cpuid']?.elements ?? {})).toEqual(['AVX', 'SSE4']);
    expect(features?.flags['kernel.loadedmodule']?.elements).toEqual({});
    expect(features?.flags['storage.nonrotationaldisk']?.elements).toBeUndefined();
    expect(features?.flags['system.absent']?.elements).toBeUndefined();
    expect(features?.attributes['kernel.version']?.elements).toEqual({ major: '6', full: '6.1.0-18-arm64' });
    expect(features?.instances['pci.device']?.elements).toEqual([
      { attributes: { vendor: '8086', class: '0200' } },
      {},
    ]);
    expect(labels).toEqual({ 'example.com/label': 'yes' });
  });

  it('fills in missing feature maps', () => {
    const result = loadNodeFeature('apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeature\nspec: {}\n', {
      file: 'nf.yaml',
    });
    expect(result.ok && result.documents[0]?.value.spec).toEqual({
      features: { flags: {}, attributes: {}, instances: {} },
      labels: {},
    });
  });

  it('rejects an unquoted number among attribute elements', () => {
    const text =
      'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeature\nspec:\n  features:\n    attributes:\n' +
      '      kernel.version: {elements: {major: 5}}\n';
    expect(formatted(loadNodeFeature(text, { file: 'nf.yaml' }))).toEqual([
      'nf.yaml:6:42: error: spec.features.attributes["kernel.version"].elements.major: expected a string; quote it: "5"',
    ]);
  });

  it('loads a NodeFeatureGroup with its status', async () => {
    const result = await readNodeFeatureGroupFile(join(fixtures, 'node-feature-group.yaml'));
    if (!result.ok) throw new Error(formatted(result).join('\n'));
    expect(result.documents[0]?.value.status?.nodes?.map((node) => node.name)).toEqual([
      'worker-1',
      'worker-2',
    ]);
    expect(result.documents[0]?.value.spec.featureGroupRules[0]?.name).toBe('kernel version');
  });

  it('names another kind of object in one line, not its fields', () => {
    const text = 'apiVersion: v1\nkind: NodeFeatureGroup\nspec:\n  rules: []\n';
    expect(formatted(loadNodeFeatureRule(text, { file: 'r.yaml' }))).toEqual([
      'r.yaml:2:7: error: this document is a NodeFeatureGroup (v1), not a NodeFeatureRule object',
    ]);
    const csv =
      'apiVersion: operators.coreos.com/v1alpha1\nkind: ClusterServiceVersion\nmetadata: {name: x}\nspec:\n  a: 1\n  b: 2\n';
    expect(formatted(loadNodeFeatureRule(csv, { file: 'csv.yaml' }))).toEqual([
      'csv.yaml:2:7: error: this document is a ClusterServiceVersion (operators.coreos.com/v1alpha1), not a NodeFeatureRule object',
    ]);
  });

  it('names the expected apiVersions; OpenShift’s is one of them', () => {
    const text = 'apiVersion: v1\nkind: NodeFeatureRule\nspec:\n  rules: []\n';
    expect(formatted(loadNodeFeatureRule(text, { file: 'r.yaml' }))).toEqual([
      'r.yaml:1:13: error: apiVersion: expected apiVersion "nfd.k8s-sigs.io/v1alpha1" or "nfd.openshift.io/v1alpha1"; got "v1"',
    ]);
    const openshift = loadNodeFeatureRule(text.replace('v1\n', 'nfd.openshift.io/v1alpha1\n'), {
      file: 'r.yaml',
    });
    expect(openshift.ok).toBe(true);
  });

  it('says a Helm chart template must be rendered first, once per broken line', () => {
    const text =
      'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nmetadata:\n  name: {{ .Values.name }}\n  labels: {{- include "x" . | nindent 4 }}\nspec:\n  rules: []\n';
    const lines = formatted(loadNodeFeatureRule(text, { file: 'chart.yaml' }));
    expect(lines[0]).toMatch(/render it first/);
    const located = lines.map((line) => line.split(':')[1]);
    expect(new Set(located).size).toBe(located.length);
  });

  it('is strict inside spec and names the empty file', () => {
    const text =
      'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureGroup\nspec:\n  featureGroupRule: []\n';
    expect(formatted(loadNodeFeatureGroup(text, { file: 'g.yaml' }))).toEqual([
      'g.yaml:4:3: error: spec.featureGroupRule: unknown field "featureGroupRule" (did you mean "featureGroupRules"?)',
    ]);
    expect(formatted(loadNodeFeatureGroup('', { file: 'g.yaml' }))).toEqual([
      'g.yaml:1:1: error: the file is empty; expected a NodeFeatureGroup object',
    ]);
  });
});
