// Audit of the validate, dryrun and compat validate-node commands against matching.md §9.3.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../test/host.ts';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'nfd-audit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const rules = (body: string) =>
  `apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nmetadata: {name: audit}\nspec:\n  rules:\n${body}`;

describe('compat validate-node exit status and --tags', () => {
  const spec = file(
    'spec.yaml',
    `version: v1alpha1
compatibilities:
- tag: a
  rules: [{name: amd, matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [AMD]}}}]}]
- tag: b
  rules: []
- rules: [{name: untagged, matchFeatures: [{feature: cpu.model}]}]
`,
  );
  const base = ['compat', 'validate-node', '--spec', spec, '--features', 'nodefeature.yaml', '-o', 'json'];
  const at = (args: string[]) => run([...base, ...args], { cwd: fixtures });

  it('exits 0 when a tag-filtered set without rules is evaluated (it requires nothing)', async () => {
    const result = await at(['--tags', 'a', '--tags', 'b']);
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd()).toBe(
      '[{"rules":[{"name":"amd","isMatch":false,"matchedExpressions":[{"feature":"cpu.model","name":"vendor_id",' +
        '"expression":{"op":"In","value":["AMD"]},"matcherType":"matchExpression","isMatch":false}]}],"tag":"a"},' +
        '{"rules":null,"tag":"b"}]',
    );
  });

  it('splits --tags on commas and exits 1 (report printed) when no set matches', async () => {
    expect((await at(['--tags', 'x,b'])).code).toBe(0);
    const none = await at(['--tags', 'a']);
    expect(none.code).toBe(1);
    expect(JSON.parse(none.stdout)).toHaveLength(1);
    const nothing = await at(['--tags', 'zzz']);
    expect(nothing.code).toBe(1);
    expect(nothing.stdout.trimEnd()).toBe('[]');
  });

  it('evaluates every set without --tags', async () => {
    const result = await at([]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(3);
  });
});

describe('dryrun (§9.3)', () => {
  const dryrun = (ruleText: string, ...features: string[]) =>
    run(
      [
        'dryrun',
        '-f',
        file('rules.yaml', ruleText),
        ...(features.length === 0 ? ['nodefeature.yaml'] : features).flatMap((f) => ['-n', f]),
        '-o',
        'json',
      ],
      { cwd: fixtures },
    );

  it('exits 1 for validation errors alone (unlike upstream, Q23), leaving the entry out', async () => {
    const result = await dryrun(
      rules(
        '  - name: r\n    labels: {"vendor.io/x": "not valid"}\n    taints: [{key: t, effect: NoSchedule}]\n',
      ),
    );
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.labels).toEqual({});
    expect(doc.taints).toEqual([]);
    expect(doc.errors).toHaveLength(2);
    expect(doc.rules[0].labels).toEqual({ 'vendor.io/x': 'not valid' });
  });

  it('reports an errored rule with matched false, empty maps and an error string, and goes on', async () => {
    const result = await dryrun(
      rules(`  - name: bad
    labels: {x: "1"}
    matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In}}}]
  - name: good
    labels: {z: "@rule.matched.v"}
    vars: {v: "2"}
`),
    );
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.rules[0]).toEqual({
      name: 'bad',
      matched: false,
      error: doc.rules[0].error,
      labels: {},
      annotations: {},
      vars: {},
      extendedResources: {},
      taints: [],
    });
    expect(doc.rules[0].error).toEqual(expect.any(String));
    expect(doc.labels).toEqual({ 'feature.node.kubernetes.io/z': '2' });
    expect(doc.errors).toHaveLength(1);
  });

  it('merges several -n files in order', async () => {
    const extra = file(
      'extra.yaml',
      'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeature\nmetadata: {name: extra}\nspec:\n  features:\n    attributes:\n      cpu.model: {elements: {vendor_id: AMD}}\n',
    );
    const text = rules(
      '  - name: amd\n    labels: {amd: "true", family: "@cpu.model.family"}\n    matchFeatures: [{feature: cpu.model, matchExpressions: {vendor_id: {op: In, value: [AMD]}}}]\n',
    );
    expect(JSON.parse((await dryrun(text, 'nodefeature.yaml')).stdout).labels).toEqual({});
    const merged = await dryrun(text, 'nodefeature.yaml', extra);
    expect(merged.code).toBe(0);
    expect(JSON.parse(merged.stdout).labels).toEqual({
      'feature.node.kubernetes.io/amd': 'true',
      'feature.node.kubernetes.io/family': '6',
    });
  });
});

describe('validate (§9.3)', () => {
  it('checks unprefixed keys, replaces @ values by 0 and checks expressions of absent features', async () => {
    const path = file(
      'validate.yaml',
      rules(`  - name: r
    labels: {"vendor.io/ok": "@a.b.c", plain: "v"}
    extendedResources: {"vendor.io/r": "@x.y.z"}
    taints: [{key: "vendor.io/not a key", effect: NoSchedule}]
    matchFeatures: [{feature: no.such, matchExpressions: {x: {op: GtLt, value: ["9", "1"]}}}]
`),
    );
    const result = await run(['validate', '-f', path, '-o', 'json']);
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.errors).toHaveLength(2);
    expect(doc.errors.join('\n')).toMatch(/unprefixed keys are not allowed/);
  });
});
