import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeApiServer,
  startFakeApiServer,
} from '../../../../packages/commands/test/kube/fake-apiserver.ts';
import { type KubeCluster, missingKube, startKubeCluster } from '../../../../test/support/kube-cluster.ts';
import { findPeer } from '../../../../test/support/peers.ts';
import { skipUnless } from '../../../../test/support/skip.ts';

// The cluster commands through the real kubectl against a real kube-apiserver + etcd (issue 16;
// test/support/kube-cluster.ts, built by scripts/kube-peers.sh): upstream NFD's CRDs accept what
// `nfd export features --nodefeature` writes, the results equal the stand-in server's for the same
// objects, and RBAC refusals are one line naming the missing permission.

const bin = fileURLToPath(new URL('../../bin/kubectl-nfd', import.meta.url));
const nfd = fileURLToPath(new URL('../../../cli/bin/nfd', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const hosts = join(repo, 'test', 'fixtures', 'hosts');
const rule = join(repo, 'packages/commands/test/fixtures/nodefeaturerule.yaml');
const spec = join(repo, 'packages/commands/test/fixtures/cluster-spec.yaml');
const kubectlBin = findPeer('kubectl') ?? 'kubectl';
const missing = missingKube();

let cluster: KubeCluster | undefined;
let standIn: FakeApiServer | undefined;
let dir = '';
let standInKubeconfig = '';

beforeAll(async () => {
  if (missing !== false) return;
  dir = mkdtempSync(join(tmpdir(), 'kubectl-nfd-real-'));
  symlinkSync(bin, join(dir, 'kubectl-nfd'));
  cluster = await startKubeCluster({ controllers: true });
  standIn = await startFakeApiServer();
  standInKubeconfig = standIn.writeKubeconfig(dir);
  cluster.kubectl(['create', 'namespace', 'node-feature-discovery']);
  for (const node of ['gpu-node', 'arm-node']) {
    const exported = spawnSync(
      nfd,
      ['export', 'features', '--nodefeature', '--node-name', node, '--host-root', join(hosts, node)],
      { encoding: 'utf8' },
    );
    expect(exported.status, exported.stderr).toBe(0);
    const object = JSON.parse(exported.stdout);
    object.metadata.namespace = 'node-feature-discovery';
    cluster.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: node, annotations: { test: 'nfd-ts' } },
      }),
    );
    // The API server validates the object against upstream's CRD schema here.
    cluster.kubectl(['apply', '-f', '-'], JSON.stringify(object));
    standIn.addNode(node);
    standIn.addNodeFeatures(object);
  }
}, 180_000);

afterAll(async () => {
  await standIn?.close();
  await cluster?.stop();
});

function kubectl(args: string[], kubeconfig: string) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      kubectlBin,
      args,
      {
        cwd: repo,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, NO_COLOR: '1', KUBECONFIG: kubeconfig },
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`cannot run kubectl: ${error.message}`));
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

describe(`a real kube-apiserver through the real kubectl`, skipUnless(missing), () => {
  it.each([
    ['test -n NODE', ['nfd', 'test', '-f', rule, '-n', 'gpu-node', '-o', 'json']],
    [
      'compat validate-node --node',
      ['nfd', 'compat', 'validate-node', '--spec', spec, '--node', 'arm-node', '-o', 'json'],
    ],
    ['compat validate-cluster', ['nfd', 'compat', 'validate-cluster', '--spec', spec, '-o', 'json']],
  ])('%s: the same result as the stand-in server', async (_what, args) => {
    const real = await kubectl(args, cluster?.kubeconfig.admin ?? '');
    const stand = await kubectl(args, standInKubeconfig);
    expect(real.stderr).toBe(stand.stderr);
    expect(real.code).toBe(stand.code);
    expect(real.stdout).toBe(stand.stdout);
    expect(real.stdout).not.toBe('');
  });

  it('compat scheduling --apply twice: exit 0 both times, the second changes nothing (server-side apply)', async () => {
    const admin = cluster?.kubeconfig.admin ?? '';
    const args = ['nfd', 'compat', 'scheduling', '--spec', spec, '--apply', '-o', 'json'];
    const first = await kubectl(args, admin);
    expect(first.code, first.stderr).toBe(0);
    const name = JSON.parse(first.stdout).nodeFeatureRule.metadata.name as string;
    const before = JSON.parse(
      cluster?.kubectl(['get', 'nodefeaturerule', name, '-o', 'json', '--show-managed-fields']) ?? '{}',
    );
    const second = await kubectl(args, admin);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const after = JSON.parse(
      cluster?.kubectl(['get', 'nodefeaturerule', name, '-o', 'json', '--show-managed-fields']) ?? '{}',
    );
    expect(after.metadata.generation).toBe(before.metadata.generation);
    expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(after.metadata.managedFields.map((f: { manager: string }) => f.manager)).toEqual(['nfd']);
    // The viewer may read but not apply: one line naming the verb.
    const viewer = await kubectl(args, cluster?.kubeconfig.viewer ?? '');
    expect(viewer.code).toBe(2);
    expect(viewer.stderr.split('\n')[0]).toMatch(
      /^error: forbidden: cannot patch nodefeaturerules\.nfd\.k8s-sigs\.io "nfd-compat-\w+": .*User "viewer" cannot patch resource "nodefeaturerules"/,
    );
  });

  it('validate-cluster pages through 2,000 NodeFeatures, 100 a page, to the same matrix as one unpaged list', async () => {
    const flags = ['AVX', 'AVX2', 'AVX512F', 'SSE4', 'FMA3'];
    const seed = async (i: number): Promise<void> => {
      const name = `bulk-${String(i).padStart(4, '0')}`;
      const node = await cluster?.request('POST', '/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, annotations: { test: 'nfd-ts' } },
      });
      const elements = Object.fromEntries(flags.filter((_, bit) => (i >> bit) & 1).map((flag) => [flag, {}]));
      const feature = await cluster?.request(
        'POST',
        '/apis/nfd.k8s-sigs.io/v1alpha1/namespaces/node-feature-discovery/nodefeatures',
        {
          apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
          kind: 'NodeFeature',
          metadata: { name, labels: { 'nfd.node.kubernetes.io/node-name': name } },
          spec: {
            features: {
              flags: { 'cpu.cpuid': { elements } },
              attributes: {
                'kernel.version': { elements: { major: '6', minor: String(i % 12), full: `6.${i % 12}.0` } },
              },
              instances: {},
            },
          },
        },
      );
      expect([node?.status, feature?.status]).toEqual([201, 201]);
    };
    const queue = Array.from({ length: 2000 }, (_, i) => i);
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) await seed(i);
      }),
    );
    const admin = cluster?.kubeconfig.admin ?? '';
    const args = ['nfd', 'compat', 'validate-cluster', '--spec', spec, '-o', 'json'];
    const paged = await kubectl([...args, '--chunk-size', '100'], admin);
    const whole = await kubectl([...args, '--chunk-size', '0'], admin);
    expect(paged.stderr).toBe('');
    expect(paged.code).toBe(whole.code);
    expect(paged.stdout).toBe(whole.stdout);
    const report = JSON.parse(paged.stdout) as { nodes: { name: string }[] };
    expect(report.nodes.filter((node) => node.name.startsWith('bulk-'))).toHaveLength(2000);
  }, 240_000);

  it('compat job --apply: the API server takes our Jobs, the controllers make their Pods, and the run deletes its Jobs', async () => {
    cluster?.kubectl(['create', 'namespace', 'nfd-jobs']);
    const pending = kubectl(
      [
        'nfd',
        'compat',
        'job',
        '--image',
        'registry.example/app:1',
        '--client-image',
        'registry.example/nfd:1',
        '--node',
        'gpu-node',
        '--apply',
        '--timeout',
        '8s',
        '--namespace',
        'nfd-jobs',
        '-o',
        'json',
      ],
      cluster?.kubeconfig.admin ?? '',
    );
    // While it waits: the Job controller has made the run's Pod, bound to the node by name.
    let pods: { metadata: { labels: Record<string, string> }; spec: { nodeName: string } }[] = [];
    for (let i = 0; i < 40 && pods.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      pods = JSON.parse(
        cluster?.kubectl([
          'get',
          'pods',
          '-n',
          'nfd-jobs',
          '-l',
          'nfd.k8s-sigs.io/compat-run',
          '-o',
          'json',
        ]) ?? '{}',
      ).items;
    }
    const result = await pending;
    expect(pods, result.stderr).toHaveLength(1);
    expect(pods[0]?.spec.nodeName).toBe('gpu-node');
    // No kubelet runs it: no report within the timeout, said per node; exit 2 (no node validated).
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: no node could be validated (1 failed)');
    expect(result.stdout).toMatch(
      /no report within 8s \(Job nfd-validate-gpu-node-[0-9a-f]{10}, pod Pending\)/,
    );
    expect(pods[0]?.metadata.labels['nfd.k8s-sigs.io/compat-run']).toMatch(/^[0-9a-f]{10}$/);
    const jobs = JSON.parse(cluster?.kubectl(['get', 'jobs', '-n', 'nfd-jobs', '-o', 'json']) ?? '{}').items;
    expect(jobs).toEqual([]);
  }, 60_000);

  it('the read-only viewer may validate the cluster', async () => {
    const result = await kubectl(
      ['nfd', 'compat', 'validate-cluster', '--spec', spec],
      cluster?.kubeconfig.viewer ?? '',
    );
    expect(result.stderr).toBe('');
    expect([0, 1]).toContain(result.code);
  });

  it('an identity without rights: exit 2, one line naming the missing permission', async () => {
    const result = await kubectl(
      ['nfd', 'test', '-f', rule, '-n', 'gpu-node'],
      cluster?.kubeconfig.nobody ?? '',
    );
    expect(result.code).toBe(2);
    const [first] = result.stderr.split('\n');
    expect(first).toBe(
      'error: forbidden: cannot list nodefeatures.nfd.k8s-sigs.io (all namespaces): nodefeatures.nfd.k8s-sigs.io is forbidden: User "nobody" cannot list resource "nodefeatures" in API group "nfd.k8s-sigs.io" at the cluster scope',
    );
    expect(result.stderr).toContain('kubectl auth can-i list nodefeatures.nfd.k8s-sigs.io --all-namespaces');
  });

  it.each([
    [
      'validate-cluster',
      ['nfd', 'compat', 'validate-cluster', '--spec', spec],
      /^error: forbidden: cannot list (nodes|nodefeatures\.nfd\.k8s-sigs\.io)\b.*User "nobody" cannot list resource/,
    ],
    [
      'job --apply',
      [
        'nfd',
        'compat',
        'job',
        '--image',
        'r.example/a:1',
        '--client-image',
        'r.example/n:1',
        '--node',
        'gpu-node',
        '--apply',
        '--namespace',
        'default',
      ],
      /^error: forbidden: cannot create jobs\.batch "nfd-validate-gpu-node-\w+" in namespace "default": .*User "nobody" cannot create resource "jobs" in API group "batch"/,
    ],
  ] as const)(
    '%s without rights: exit 2, one line naming the verb and resource',
    async (_what, args, line) => {
      const result = await kubectl([...args], cluster?.kubeconfig.nobody ?? '');
      expect(result.code).toBe(2);
      const errors = result.stderr.split('\n').filter((l) => l.startsWith('error: '));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(line);
    },
  );

  it('a token the server does not know: exit 2, 401 in one line', async () => {
    const bad = join(dir, 'bad.kubeconfig');
    writeFileSync(
      bad,
      (await import('node:fs'))
        .readFileSync(cluster?.kubeconfig.nobody ?? '', 'utf8')
        .replace(/token: \w+/, 'token: not-a-token'),
    );
    const result = await kubectl(['nfd', 'test', '-f', rule, '-n', 'gpu-node'], bad);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did not accept the credentials (401 Unauthorized)');
    expect(result.stderr).not.toContain('not-a-token');
  });
});
