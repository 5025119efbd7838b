import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../test/host.ts';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const at = (args: string[]) => run(args, { cwd: fixtures });

describe('validate', () => {
  it('exit 0 for a valid NodeFeatureRule, with upstream-style lines', async () => {
    const result = await at(['validate', '-f', 'nodefeaturerule.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'Validating NodeFeatureRule nodefeaturerule.yaml\nValidating rule:  gpu node\nValidating rule:  gpu vendors\nValidating rule:  needs gpu\nNodeFeatureRule nodefeaturerule.yaml is valid\n',
    );
  });

  it('exit 1 with every located error; JSON is {valid, errors}', async () => {
    const text = await at(['validate', '--nodefeaturerule-file', 'invalid-rule.yaml']);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(
      'invalid-rule.yaml:9:21: error: spec.rules[0].labels.unprefixed: invalid label',
    );
    expect(text.stdout).toContain('spec.rules[0].matchFeatures[0].matchExpressions.major: ');
    const json = await at(['validate', '-f', 'invalid-rule.yaml', '-o', 'json']);
    expect(json.code).toBe(1);
    const doc = JSON.parse(json.stdout);
    expect(Object.keys(doc)).toEqual(['valid', 'errors']);
    expect(doc.valid).toBe(false);
    expect(doc.errors).toHaveLength(2);
  });

  it('validates NodeFeatureGroup files too', async () => {
    const result = await at(['validate', '-f', 'nodefeaturegroup.yaml', '-o', 'json']);
    expect(result).toEqual({ code: 0, stdout: '{\n  "valid": true,\n  "errors": []\n}\n', stderr: '' });
  });
});

describe('dryrun', () => {
  it('runs the rules with backreferences, prefixing and @ values; JSON per the contract', async () => {
    const result = await at(['dryrun', '-f', 'nodefeaturerule.yaml', '-n', 'nodefeature.yaml', '-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(Object.keys(doc)).toEqual([
      'rules',
      'labels',
      'annotations',
      'extendedResources',
      'taints',
      'errors',
    ]);
    expect(doc.rules.map((r: { name: string; matched: boolean }) => [r.name, r.matched])).toEqual([
      ['gpu node', true],
      ['gpu vendors', true],
      ['needs gpu', true],
    ]);
    expect(doc.rules[1].labels).toEqual({
      'vendor.io/pci-8086-present': 'true',
      'vendor.io/pci-10de-present': 'true',
    });
    expect(doc.labels).toEqual({
      'vendor.io/cuda-ready': 'true',
      'vendor.io/gpu': 'true',
      'vendor.io/pci-10de-present': 'true',
      'vendor.io/pci-8086-present': 'true',
    });
    expect(doc.extendedResources).toEqual({ 'vendor.io/kernel-minor': '1' });
    expect(doc.taints).toEqual([{ key: 'vendor.io/gpu', value: 'true', effect: 'PreferNoSchedule' }]);
    expect(doc.errors).toEqual([]);
  });

  it('prints upstream-style text', async () => {
    const result = await at(['dryrun', '-f', 'nodefeaturerule.yaml', '-n', 'nodefeature.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Evaluating NodeFeatureRule "nodefeaturerule.yaml" against NodeFeature "nodefeature.yaml"',
        'Processing rule:  gpu node',
        'Processing rule:  gpu vendors',
        'Processing rule:  needs gpu',
        '***\tTaints\t***',
        '{vendor.io/gpu true PreferNoSchedule <nil>}',
        '***\tLabels\t***',
        'vendor.io/cuda-ready=true',
        'vendor.io/gpu=true',
        'vendor.io/pci-10de-present=true',
        'vendor.io/pci-8086-present=true',
        '***\tExtended Resources\t***',
        'vendor.io/kernel-minor=1',
        'NodeFeatureRule "nodefeaturerule.yaml" is valid for NodeFeature "nodefeature.yaml"',
        '',
      ].join('\n'),
    );
  });

  it('exit 1 when an input cannot be used, with the reason in the result', async () => {
    const result = await at(['dryrun', '-f', 'nodefeaturerule.yaml', '-n', 'missing.yaml', '-o', 'json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).errors).toEqual(['cannot read missing.yaml: no such file']);
  });

  it('runs NodeFeatureGroups', async () => {
    const result = await at([
      'dryrun',
      '-f',
      'nodefeaturegroup.yaml',
      '-n',
      'nodefeature.yaml',
      '-o',
      'json',
    ]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      rules: [{ name: 'nvidia', matched: true, vars: {} }],
      matched: true,
      errors: [],
    });
  });
});

describe('compat validate-node --features', () => {
  const base = ['compat', 'validate-node', '--spec', 'compat-spec.yaml', '--features', 'nodefeature.yaml'];

  it('exit 0 when one set matches; JSON is upstream’s compact report', async () => {
    const result = await at([...base, '-o', 'json']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      '[{"rules":[{"name":"amd","isMatch":false,"matchedExpressions":[{"feature":"cpu.model","name":"vendor_id","expression":{"op":"In","value":["AMD"]},"matcherType":"matchExpression","isMatch":false}]}],"description":"AMD with VFIO","weight":10,"tag":"preferred"},' +
        '{"rules":[{"name":"gpu","isMatch":true,"matchedExpressions":[{"feature":"kernel.loadedmodule","name":"nvidia","expression":{"op":"Exists"},"matcherType":"matchExpression","isMatch":true}]}],"description":"any GPU node","weight":1,"tag":"fallback"}]\n',
    );
    expect(await at([...base, '--output-json'])).toEqual(result);
  });

  it('exit 1 when no tag-filtered set matches', async () => {
    const result = await at([...base, '--tags', 'preferred', '-o', 'json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toHaveLength(1);
  });

  it('adds host facts with --explain, and shows them for FAILs in the table', async () => {
    const json = await at([...base, '--tags', 'preferred,other', '--explain', '-o', 'json']);
    expect(JSON.parse(json.stdout)[0].rules[0].matchedExpressions[0].host).toEqual({
      featurePresent: true,
      value: 'Intel',
    });
    const table = await at(base);
    expect(table.stdout).toContain('COMPATIBILITY SET #1 Weight: 10; Tag: preferred');
    expect(table.stdout).toContain('RULE: AMD -  FAIL ');
    expect(table.stdout).toMatch(/cpu\.model\.vendor_id .*\{op: "In", value: \["AMD"\]\}.*FAIL .*"Intel"/);
  });

  it('exit 2 on an evaluation error, without a report', async () => {
    const result = await run(['compat', 'validate-node', '--spec', '-', '--features', 'nodefeature.yaml'], {
      cwd: fixtures,
      stdin:
        'version: v1alpha1\ncompatibilities:\n- rules: [{name: x, matchFeatures: [{feature: cpu.model, matchExpressions: {family: {op: Gt, value: [six]}}}]}]\n',
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('"six" is not a number');
  });
});
