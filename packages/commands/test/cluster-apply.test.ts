import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileCompatibilitySpec, compileRuleSet, indexFeatures } from '@nfd/matcher';
import { renderCompatibilityReport } from '@nfd/report';
import { type Features, loadCompatibilitySpec, type Rule } from '@nfd/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './host.ts';
import { type FakeApiServer, startFakeApiServer } from './kube/fake-apiserver.ts';

// `compat job --apply` and `compat scheduling --apply` through the real Kubernetes client, against
// the tests' API server: Jobs created, run (the server has no kubelet: the test plays the Job
// controller), their pods' logs read, the Jobs deleted; the NodeFeatureRule created.

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const SPEC = join(repo, 'examples/image-compatibility.yaml');

function features(host: string): Features {
  return JSON.parse(
    readFileSync(join(repo, `test/fixtures/hosts/${host}/expected-features.json`), 'utf8'),
  ) as Features;
}

/** What `nfd compat validate-node --image … --output-json` prints on that host. */
function podLog(host: string): string {
  const loaded = loadCompatibilitySpec(readFileSync(SPEC, 'utf8'), { file: SPEC });
  if (!loaded.ok || loaded.documents[0] === undefined) throw new Error('spec does not load');
  const statuses = compileCompatibilitySpec(loaded.documents[0].value).evaluate(
    indexFeatures(features(host)),
  );
  return renderCompatibilityReport(statuses, 'json');
}

let server: FakeApiServer;
let env: Record<string, string> = {};

beforeAll(async () => {
  server = await startFakeApiServer();
  const dir = mkdtempSync(join(tmpdir(), 'nfd-cluster-apply-'));
  env = { KUBECONFIG: server.writeKubeconfig(dir, { namespace: 'checks' }) };
  server.addNode('gpu-node', { pool: 'gpu' });
  server.addNode('arm-node', { pool: 'arm' });
});

afterAll(async () => {
  await server?.close();
});

async function until<T>(probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('compat job --apply against an API server', () => {
  it('creates a Job per node, reads the reports from the pod logs, deletes the Jobs, prints the matrix', async () => {
    const running = run(
      [
        'compat',
        'job',
        '--image',
        'registry.example/app:1.0',
        '--client-image',
        'registry.example/nfd:0.1',
        '--all-nodes',
        '--apply',
        '-o',
        'json',
      ],
      { env, kube: true },
    );
    const jobs = await until(() => (server.jobs.length === 2 ? server.jobs : undefined));
    expect(jobs.map((job) => job.metadata.namespace)).toEqual(['checks', 'checks']);
    for (const job of jobs) {
      const node = (job.spec as { template: { spec: { nodeName: string } } }).template.spec.nodeName;
      server.completeJob('checks', job.metadata.name, [
        { nodeName: node, phase: node === 'gpu-node' ? 'Succeeded' : 'Failed', log: podLog(node) },
      ]);
    }
    const result = await running;
    expect(result.code).toBe(0);
    const matrix = JSON.parse(result.stdout);
    expect(matrix.summary).toEqual({ compatible: 1, incompatible: 1 });
    expect(
      matrix.nodes.map((n: { name: string; bestSet: { tag: string } | null }) => [
        n.name,
        n.bestSet?.tag ?? null,
      ]),
    ).toEqual([
      ['arm-node', null],
      ['gpu-node', 'preferred'],
    ]);
    expect(result.stderr).toContain('created 2 Jobs in namespace checks\n');
    expect(result.stderr).toContain('2/2 nodes reported, 0 running, 0 waiting\n');
    expect(server.deletedJobs.map((d) => [d.namespace, d.propagationPolicy])).toEqual([
      ['checks', 'Background'],
      ['checks', 'Background'],
    ]);
    expect(server.jobs).toEqual([]);
  });

  it('says which verb and resource RBAC refused, exit 2', async () => {
    server.forbid('create', 'jobs');
    const result = await run(
      ['compat', 'job', '--image', 'r/app:1', '--client-image', 'r/nfd:1', '--node', 'gpu-node', '--apply'],
      { env, kube: true },
    );
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/create.*jobs/);
  });
});

describe('compat scheduling --apply against an API server', () => {
  it('a second run is a no-op (server-side apply), not a conflict', async () => {
    const args = ['compat', 'scheduling', '--spec', SPEC, '--apply', '-o', 'json'];
    const first = await run(args, { env, kube: true });
    const second = await run(args, { env, kube: true });
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/^applied NodeFeatureRule nfd-compat-[0-9a-f]{12} \(generation 1\)\n$/);
  });

  it('creates the NodeFeatureRule, which labels the nodes that validate-node finds compatible', async () => {
    const result = await run(['compat', 'scheduling', '--spec', SPEC, '--apply', '-o', 'json'], {
      env,
      kube: true,
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^applied NodeFeatureRule nfd-compat-[0-9a-f]{12} \(generation 1\)\n$/);
    const [stored] = server.nodeFeatureRules;
    const printed = JSON.parse(result.stdout);
    expect(stored?.metadata.name).toBe(printed.nodeFeatureRule.metadata.name);
    const rules = (stored?.spec as { rules: Rule[] } | undefined)?.rules ?? [];
    expect(rules).toEqual(printed.nodeFeatureRule.spec.rules);
    const labels = (host: string) =>
      Object.keys(compileRuleSet(rules).run(indexFeatures(features(host))).labels);
    expect(labels('gpu-node')).toEqual(printed.sets.map((set: { label: string }) => set.label));
    expect(labels('arm-node')).toEqual([]);
  });
});
