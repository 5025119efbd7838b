import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../host.ts';
import { type FakeApiServer, startFakeApiServer } from './fake-apiserver.ts';
import { FIXTURE_HOSTS, fixtureNodeFeature, forNode, partialNodeFeature } from './fixtures.ts';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const RULE = join(fixtures, 'nodefeaturerule.yaml');
const SPEC = join(fixtures, 'cluster-spec.yaml');

let server: FakeApiServer;
let dir = '';
let env: Record<string, string> = {};

beforeAll(async () => {
  // A small page size, so every list is paged.
  server = await startFakeApiServer({ maxPageSize: 2 });
  dir = mkdtempSync(join(tmpdir(), 'nfd-kube-'));
  env = { KUBECONFIG: server.writeKubeconfig(dir) };
  for (const host of FIXTURE_HOSTS) {
    server.addNodeFeatures(await fixtureNodeFeature(host));
    server.addNode(host, { 'topology.kubernetes.io/zone': host === 'arm-node' ? 'b' : 'a' });
  }
  // A node NFD does not run on.
  server.addNode('bare-node', { 'topology.kubernetes.io/zone': 'c' });
  // A node with two NodeFeature objects whose values disagree: the merge order decides.
  server.addNode('merge-node', { 'topology.kubernetes.io/zone': 'c' });
  server.addNodeFeatures(
    forNode(await fixtureNodeFeature('arm-node'), 'merge-node'),
    partialNodeFeature(
      'merge-node',
      'merge-node-vendor',
      {
        attributes: { 'kernel.version': { elements: { major: '5' } } },
        flags: { 'vendor.feature': { elements: { turbo: {} } } },
      },
      { namespace: 'aaa-vendor' },
    ),
  );
});

afterAll(async () => {
  await server?.close();
});

describe('test -f RULE -n NODE', () => {
  it("evaluates the rules on the node's NodeFeature objects from the cluster, as dryrun prints", async () => {
    const before = server.requests.length;
    const result = await run(['test', '-f', RULE, '-n', 'gpu-node', '-o', 'json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.labels['vendor.io/gpu']).toBe('true');
    expect(report.rules.map((r: { matched: boolean }) => r.matched)).toEqual([true, true, true]);
    const list = server.requests.slice(before).filter((r) => r.path.endsWith('/nodefeatures'));
    // All namespaces, by the node-name label, paged with limit (100 for NodeFeatures).
    expect(list[0]?.path).toBe('/apis/nfd.k8s-sigs.io/v1alpha1/nodefeatures');
    expect(list[0]?.query).toMatchObject({
      labelSelector: 'nfd.node.kubernetes.io/node-name=gpu-node',
      limit: '100',
    });
  });

  it("--chunk-size sets the page size (kubectl's flag); 0 lists in one request", async () => {
    for (const [size, limit] of [
      ['7', '7'],
      ['0', undefined],
    ] as const) {
      const before = server.requests.length;
      const result = await run(['test', '-f', RULE, '-n', 'gpu-node', '--chunk-size', size], { env });
      expect(result.code).toBe(0);
      const list = server.requests.slice(before).filter((r) => r.path.endsWith('/nodefeatures'));
      expect(list[0]?.query.limit).toBe(limit);
    }
    const bad = await run(['test', '-f', RULE, '-n', 'gpu-node', '--chunk-size', 'lots'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--chunk-size <n>' argument 'lots' is invalid");
  });

  it('prints the text report naming the node, and runs in the kubectl plugin with -k and --context', async () => {
    const result = await run(
      ['test', '-f', RULE, '-k', env.KUBECONFIG ?? '', '--context', 'fake', '-n', 'arm-node'],
      {
        kube: true,
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Evaluating NodeFeatureRule against Node arm-node\n');
  });

  it('merges several objects of a node in list order (upstream kubectl nfd test)', async () => {
    // List order is namespace, then name: aaa-vendor's object first, then node-feature-discovery's.
    const rule = join(dir, 'kernel-rule.yaml');
    writeFileSync(
      rule,
      `apiVersion: nfd.k8s-sigs.io/v1alpha1
kind: NodeFeatureRule
metadata: { name: kernel }
spec:
  rules:
    - name: kernel
      labels: { kernel-major: "@kernel.version.major" }
      matchFeatures:
        - feature: kernel.version
          matchExpressions: { major: { op: Exists } }
    - name: vendor
      labels: { vendor-turbo: "true" }
      matchFeatures:
        - feature: vendor.feature
          matchExpressions: { turbo: { op: Exists } }
`,
    );
    const result = await run(['test', '-f', rule, '-n', 'merge-node', '-o', 'json'], { env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.labels).toEqual({
      'feature.node.kubernetes.io/kernel-major': '6',
      'feature.node.kubernetes.io/vendor-turbo': 'true',
    });
  });

  it('--namespace lists only that namespace', async () => {
    const before = server.requests.length;
    const result = await run(
      ['test', '-f', RULE, '-n', 'merge-node', '--namespace', 'aaa-vendor', '-o', 'json'],
      { env },
    );
    expect(result.code).toBe(0);
    const list = server.requests.slice(before).filter((r) => r.path.endsWith('/nodefeatures'));
    expect(list[0]?.path).toBe('/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/aaa-vendor/nodefeatures');
  });

  it('exit 2: a node without NodeFeature objects', async () => {
    const result = await run(['test', '-f', RULE, '-n', 'bare-node'], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no NodeFeature object of node "bare-node" in any namespace');
  });

  it('exit 2: discovery flags do not go with -n, kube flags need -n', async () => {
    const both = await run(['test', '-f', RULE, '-n', 'gpu-node', '--host-root', '/'], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--host-root cannot go with -n NODE');
    const kubeOnly = await run(['test', '-f', RULE, '--context', 'fake'], { env });
    expect(kubeOnly.code).toBe(2);
    expect(kubeOnly.stderr).toContain('--context goes with -n NODE');
  });
});

describe('compat validate-node --node NODE', () => {
  it("prints the same report as for the node's exported features", async () => {
    const file = join(dir, 'gpu-node.json');
    writeFileSync(file, JSON.stringify(await fixtureNodeFeature('gpu-node')));
    const fromFile = await run(['compat', 'validate-node', '--spec', SPEC, '--features', file, '-o', 'json']);
    const fromCluster = await run(
      ['compat', 'validate-node', '--spec', SPEC, '--node', 'gpu-node', '-o', 'json'],
      { env },
    );
    expect(fromCluster.stderr).toBe('');
    expect(fromCluster.code).toBe(0);
    expect(fromCluster.stdout).toBe(fromFile.stdout);
  });

  it("merges a node's objects as nfd-master: its namespace's first, so the other namespace's values win", async () => {
    const spec = join(dir, 'kernel5.yaml');
    writeFileSync(
      spec,
      `version: v1alpha1
compatibilities:
  - rules:
      - name: kernel 5
        matchFeatures:
          - feature: kernel.version
            matchExpressions: { major: { op: In, value: ["5"] } }
`,
    );
    const master = await run(
      ['compat', 'validate-node', '--spec', spec, '--node', 'merge-node', '-o', 'json'],
      { env },
    );
    expect(master.code).toBe(0);
    // With another namespace as nfd-master's, node-feature-discovery's object is merged last.
    const other = await run(
      [
        'compat',
        'validate-node',
        '--spec',
        spec,
        '--node',
        'merge-node',
        '--nfd-namespace',
        'aaa-vendor',
        '-o',
        'json',
      ],
      { env },
    );
    expect(other.code).toBe(1);
  });

  it('exit 2: --node and --features together', async () => {
    const result = await run(['compat', 'validate-node', '--spec', SPEC, '--node', 'x', '--features', 'y'], {
      env,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--node and --features cannot go together');
  });
});

describe('compat validate-cluster', () => {
  it('-o json: every node, its best set, its reports, and the counts; paged lists', async () => {
    const before = server.requests.length;
    const result = await run(['compat', 'validate-cluster', '--spec', SPEC, '-o', 'json'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const byName = Object.fromEntries(report.nodes.map((n: { name: string }) => [n.name, n]));
    expect(Object.keys(byName)).toEqual(['arm-node', 'bare-node', 'gpu-node', 'merge-node', 'this-machine']);
    expect(byName['gpu-node']).toMatchObject({
      compatible: true,
      bestSet: { index: 0, tag: 'avx512', weight: 10, description: 'x86-64 with AVX-512' },
    });
    expect(byName['this-machine'].bestSet.index).toBe(0);
    expect(byName['arm-node'].bestSet).toEqual({
      index: 1,
      tag: 'modern-kernel',
      weight: 5,
      description: 'Linux 6 or later',
    });
    // merge-node: nfd-master's merge leaves kernel 5 (the vendor object is merged last).
    expect(byName['merge-node']).toMatchObject({ compatible: false, bestSet: null });
    expect(byName['merge-node'].sets).toHaveLength(2);
    expect(byName['bare-node']).toEqual({
      name: 'bare-node',
      compatible: false,
      bestSet: null,
      sets: [],
      reason: 'no NodeFeature object (is nfd-worker running on the node?)',
    });
    expect(report.summary).toEqual({ compatible: 3, incompatible: 2 });
    // The validate-node report of each set, upstream's shape (no `host` without --explain).
    expect(byName['gpu-node'].sets[0]).toEqual({
      rules: [
        {
          name: 'avx512',
          isMatch: true,
          matchedExpressions: [
            {
              feature: 'cpu.cpuid',
              name: 'AVX512F',
              expression: { op: 'Exists' },
              matcherType: 'matchExpression',
              isMatch: true,
            },
          ],
        },
      ],
      description: 'x86-64 with AVX-512',
      weight: 10,
      tag: 'avx512',
    });
    // One paged list of each: nodes and NodeFeatures (page size 2 on the server).
    const requests = server.requests.slice(before);
    const lists = requests.filter((r) => r.path.endsWith('/nodefeatures'));
    expect(lists.length).toBe(3); // 5 objects, 2 per page
    expect(lists.slice(1).every((r) => r.query.continue !== undefined)).toBe(true);
    expect(lists.every((r) => r.query.labelSelector === undefined)).toBe(true);
    expect(requests.filter((r) => r.path === '/api/v1/nodes').length).toBe(3);
  });

  it('evaluates nodes equal on what the spec reads once, and reports every node as alone', async () => {
    const pool = await startFakeApiServer({ maxPageSize: 3 });
    try {
      const poolEnv = { KUBECONFIG: pool.writeKubeconfig(mkdtempSync(join(tmpdir(), 'nfd-pool-'))) };
      const gpu = await fixtureNodeFeature('gpu-node');
      const arm = await fixtureNodeFeature('arm-node');
      for (let i = 0; i < 4; i++) {
        pool.addNode(`gpu-${i}`);
        pool.addNodeFeatures(forNode(gpu, `gpu-${i}`));
      }
      for (let i = 0; i < 2; i++) {
        pool.addNode(`arm-${i}`);
        const object = forNode(arm, `arm-${i}`);
        // A feature the spec does not read differs: the nodes still share one evaluation.
        const flags = (object.spec as { features: { flags: Record<string, unknown> } }).features.flags;
        flags[`vendor.unread-${i}`] = { elements: { x: {} } };
        pool.addNodeFeatures(object);
      }
      const result = await run(
        ['--debug', 'compat', 'validate-cluster', '--spec', SPEC, '-o', 'json', '--explain'],
        {
          env: poolEnv,
        },
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(
        /evaluated 2 distinct feature sets \(of [^)]*cpu\.cpuid[^)]*\) for 6 nodes/,
      );
      const report = JSON.parse(result.stdout) as { nodes: { name: string; sets: unknown[] }[] };
      expect(report.nodes.map((node) => node.name)).toEqual([
        'arm-0',
        'arm-1',
        'gpu-0',
        'gpu-1',
        'gpu-2',
        'gpu-3',
      ]);
      // Each node's report is what validate-cluster says of it alone in the first cluster.
      const alone = JSON.parse(
        (await run(['compat', 'validate-cluster', '--spec', SPEC, '-o', 'json', '--explain'], { env }))
          .stdout,
      ) as { nodes: { name: string; sets: unknown[] }[] };
      const of = (name: string) => alone.nodes.find((node) => node.name === name)?.sets;
      for (const node of report.nodes)
        expect(node.sets).toEqual(of(node.name.startsWith('gpu') ? 'gpu-node' : 'arm-node'));
    } finally {
      await pool.close();
    }
  });

  it('table: the matrix, best sets, the first failing expression and what the node has', async () => {
    const result = await run(['compat', 'validate-cluster', '--spec', SPEC], { env });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const row = (node: string): string => lines.find((line) => line.includes(` ${node} `)) ?? '';
    expect(lines.find((l) => l.includes('Node'))).toMatch(
      /Node .*Compatible .*#1 avx512 \(w10\) .*#2 modern-kernel \(w5\) .*Best set .*First failing expression/,
    );
    expect(row('gpu-node')).toMatch(/yes .*OK .*FAIL .*#1 avx512/);
    expect(row('merge-node')).toContain(
      'set #1 rule "avx512": cpu.cpuid.AVX512F {op: "Exists"}; node has: element not present',
    );
    expect(row('bare-node')).toContain('no NodeFeature object');
    expect(result.stdout).toContain('5 nodes: 3 compatible, 2 incompatible.');
  });

  it('--selector: only the selected nodes, their NodeFeatures listed by a set-based selector', async () => {
    const before = server.requests.length;
    const result = await run(
      [
        'compat',
        'validate-cluster',
        '--spec',
        SPEC,
        '--selector',
        'topology.kubernetes.io/zone in (a,b),kubernetes.io/os=linux',
        '-o',
        'json',
      ],
      { env },
    );
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.nodes.map((n: { name: string }) => n.name)).toEqual([
      'arm-node',
      'gpu-node',
      'this-machine',
    ]);
    expect(report.summary).toEqual({ compatible: 3, incompatible: 0 });
    const requests = server.requests.slice(before);
    expect(requests.find((r) => r.path === '/api/v1/nodes')?.query.labelSelector).toBe(
      'topology.kubernetes.io/zone in (a,b),kubernetes.io/os=linux',
    );
    expect(requests.find((r) => r.path.endsWith('/nodefeatures'))?.query.labelSelector).toBe(
      'nfd.node.kubernetes.io/node-name in (arm-node,gpu-node,this-machine)',
    );
  });

  it('--tags: only the tagged sets; exit 1 when no node is compatible', async () => {
    const result = await run(
      [
        'compat',
        'validate-cluster',
        '--spec',
        SPEC,
        '--tags',
        'avx512',
        '--selector',
        'topology.kubernetes.io/zone=b',
        '-o',
        'yaml',
      ],
      { env },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('name: arm-node');
    expect(result.stdout).toContain('compatible: 0');
    expect(result.stdout).not.toContain('modern-kernel');
  });

  it('exit 1: no node selected, with a warning', async () => {
    const result = await run(['compat', 'validate-cluster', '--spec', SPEC, '--selector', 'nope=nope'], {
      env,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('No node was selected.');
    expect(result.stderr).toContain('no node matches the selector nope=nope');
  });

  it('--explain keeps what each node has in JSON', async () => {
    const result = await run(
      [
        'compat',
        'validate-cluster',
        '--spec',
        SPEC,
        '--selector',
        'kubernetes.io/hostname=arm-node',
        '--explain',
        '-o',
        'json',
      ],
      { env },
    );
    const report = JSON.parse(result.stdout);
    expect(report.nodes[0].sets[0].rules[0].matchedExpressions[0].host).toEqual({
      featurePresent: true,
      flag: false,
    });
  });

  it('is a command of both binaries, with the Kubernetes flags in their own help group', async () => {
    for (const kube of [false, true]) {
      const help = await run(['compat', 'validate-cluster', '--help'], { kube });
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(
        /Kubernetes flags:\n {2}--kubeconfig <file>[\s\S]*\n {2}--context <name>[\s\S]*\n {2}--namespace <ns>/,
      );
    }
    const test = await run(['test', '--help'], { kube: true });
    expect(test.stdout).toMatch(/Usage: kubectl nfd test/);
    expect(test.stdout).toContain('-k, --kubeconfig <file>');
    expect(test.stdout).toContain('-n, --nodename <node>');
  });
});
