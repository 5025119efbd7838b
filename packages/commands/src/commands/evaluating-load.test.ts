// The verdict commands read files as upstream reads them (matching.md §9.4), end to end through the
// command tree: per-rule errors, ignored unknown fields, YAML 1.1 scalars, OpenShift's apiVersion,
// multi-document files, empty compatibility sets, and refusing a file that is no NodeFeature.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../test/host.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const gpuNode = join(repo, 'test/fixtures/hosts/gpu-node/expected-features.json');
const tmp = mkdtempSync(join(tmpdir(), 'nfd-evaluating-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const header = (api = 'nfd.k8s-sigs.io/v1alpha1') =>
  `apiVersion: ${api}\nkind: NodeFeatureRule\nmetadata: {name: t}\nspec:\n  rules:\n`;

describe('dryrun evaluates every rule upstream evaluates', () => {
  // gpu-node: kernel 5.15.0-1056-azure, major "5".
  const table = file(
    'table.yaml',
    `${header('nfd.openshift.io/v1alpha1')}    - name: before
      labels: {before: "1"}
      matchFeatures: [{feature: kernel.version, matchExpressions: {major: {op: In, value: [5]}}}]
    - name: unknown-op
      labels: {unknown: "1"}
      matchFeatures: [{feature: kernel.version, matchExpressions: {major: {op: Foo}}}]
    - name: unknown-op-missing-feature
      labels: {missing: "1"}
      matchFeatures: [{feature: no.such, matchExpressions: {major: {op: Foo}}}]
    - name: typo
      labels: {typo: "1"}
      matchFeatures: [{feature: kernel.version, matchExpressions: {major: {op: In, values: ["5"]}}}]
    - name: type-error
      labels: {type: "1"}
      matchFeatures: [{feature: kernel.version, matchExpressions: {major: {op: In, value: 5}}}]
    - name: after
      labels: {after: y}
      matchFeatures: [{feature: kernel.version, matchExpressions: {major: {op: Exists}}}]
`,
  );

  it('gives each rule its own entry and error, in order, and runs the rest (exit 1)', async () => {
    const result = await run(['dryrun', '-f', table, '-n', gpuNode, '-o', 'json']);
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(
      doc.rules.map((rule: { name: string; matched: boolean; error?: string }) => [
        rule.name,
        rule.matched,
        rule.error !== undefined,
      ]),
    ).toEqual([
      ['before', true, false],
      ['unknown-op', false, true],
      // Upstream evaluates an expression only when the feature exists (Q6): no error, no match.
      ['unknown-op-missing-feature', false, false],
      ['typo', false, true],
      ['type-error', false, true],
      ['after', true, false],
    ]);
    expect(doc.rules[1].error).toMatch(/Foo/);
    expect(doc.rules[3].error).toMatch(/In/);
    expect(doc.rules[4].error).toMatch(/json: cannot unmarshal number into Go struct field MatchExpression/);
    expect(doc.labels).toEqual({
      'feature.node.kubernetes.io/before': '1',
      // `y` is a YAML 1.1 bool: a Go string field gets "true".
      'feature.node.kubernetes.io/after': 'true',
    });
    expect(doc.errors).toHaveLength(3);
    expect(result.stderr).toContain(
      'unknown field "values" ignored, as upstream does (did you mean "value"?)',
    );
  });

  it('uses every rule document of a stream and skips other kinds with a warning', async () => {
    const stream = file(
      'stream.yaml',
      `${header()}    - name: one\n      labels: {one: "1"}\n---\napiVersion: v1\nkind: ConfigMap\n---\n${header()}    - name: two\n      labels: {two: "1"}\n`,
    );
    const result = await run(['dryrun', '-f', stream, '-n', gpuNode, '-o', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).rules.map((rule: { name: string }) => rule.name)).toEqual([
      'one',
      'two',
    ]);
    expect(result.stderr).toContain('document 2 is a ConfigMap (v1), not a NodeFeatureRule: skipped');
  });

  it('refuses a -n file that is not a NodeFeature: exit 2, never an empty node', async () => {
    const pkg = file('package.json', '{"name": "x", "version": "1.0.0"}\n');
    const result = await run(['dryrun', '-f', table, '-n', pkg]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('package.json is not a NodeFeature (it has no `kind`/`spec.features`)');
  });

  it('a rule file of another kind is one located line in the errors (exit 1, §9.3)', async () => {
    const csv = file(
      'csv.yaml',
      'apiVersion: operators.coreos.com/v1alpha1\nkind: ClusterServiceVersion\nmetadata: {name: x}\nspec:\n  a: 1\n  b: 2\n',
    );
    const result = await run(['dryrun', '-f', csv, '-n', gpuNode, '-o', 'json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).errors).toEqual([
      `${csv} is a ClusterServiceVersion (operators.coreos.com/v1alpha1), not a NodeFeatureRule or NodeFeatureGroup`,
    ]);
  });
});

describe('compat validate-node with sets that require nothing', () => {
  it('a set without rules matches (exit 0); a spec without sets matches nothing (exit 1)', async () => {
    const empty = file(
      'empty-set.yaml',
      'version: v1alpha1\ncompatibilities:\n  - description: nothing\n    rules: []\n',
    );
    const none = file('no-sets.yaml', 'version: v1alpha1\ncompatibilities: []\n');
    const matched = await run([
      'compat',
      'validate-node',
      '--spec',
      empty,
      '--features',
      gpuNode,
      '-o',
      'json',
    ]);
    expect(matched).toMatchObject({ code: 0, stdout: '[{"rules":null,"description":"nothing"}]\n' });
    const nothing = await run([
      'compat',
      'validate-node',
      '--spec',
      none,
      '--features',
      gpuNode,
      '-o',
      'json',
    ]);
    expect(nothing).toMatchObject({ code: 1, stdout: '[]\n' });
  });

  it('refuses --features that is not a NodeFeature (exit 2)', async () => {
    const spec = file('spec.yaml', 'version: v1alpha1\ncompatibilities:\n  - rules: []\n');
    const result = await run(['compat', 'validate-node', '--spec', spec, '--features', spec]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a NodeFeature');
  });
});

describe('YAML we write reads back the same through a Go reader', () => {
  it('export --nodefeature -o yaml of every fixture host evaluates like its JSON', async () => {
    for (const host of ['gpu-node', 'arm-node', 'this-machine']) {
      const root = join(repo, 'test/fixtures/hosts', host);
      const args = ['export', 'features', '--nodefeature', '--node-name', host, '--host-root', root];
      if (host === 'this-machine') args.push('--cpuid-leaves', join(root, 'cpuid-leaves.json'));
      const yaml = await run([...args, '-o', 'yaml']);
      const json = await run(args);
      expect(yaml.code).toBe(0);
      const yamlFile = file(`${host}.yaml`, yaml.stdout);
      const probe = file(
        'probe.yaml',
        `${header()}    - name: p\n      labels: {p: "@kernel.version.full"}\n      matchFeatures: [{feature: kernel.version}]\n`,
      );
      const fromYaml = await run(['dryrun', '-f', probe, '-n', yamlFile, '-o', 'json']);
      const fromJson = await run([
        'dryrun',
        '-f',
        probe,
        '-n',
        file(`${host}.json`, json.stdout),
        '-o',
        'json',
      ]);
      expect(fromYaml.stdout).toBe(fromJson.stdout);
      // Every value that YAML 1.1 would not read as a string is quoted.
      expect(yaml.stdout).not.toMatch(/: (y|n|yes|no|on|off|true|false|[0-9]+)$/m);
    }
  });
});
