import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pickFeatures } from '@nfd/matcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectKube, type KubeClient, loadKubeConfig } from '../../src/kube/index.ts';
import { type FakeApiServer, parseLabelSelector, startFakeApiServer } from './fake-apiserver.ts';
import { FIXTURE_HOSTS, fixtureNodeFeature, forNode, partialNodeFeature } from './fixtures.ts';

let server: FakeApiServer;
let dir = '';
let client: KubeClient;

beforeAll(async () => {
  server = await startFakeApiServer({ maxPageSize: 3 });
  dir = mkdtempSync(join(tmpdir(), 'nfd-kube-client-'));
  client = await connectKube({ env: { KUBECONFIG: server.writeKubeconfig(dir, { namespace: 'jobs-ns' }) } });
});

afterAll(async () => {
  await server?.close();
});

describe('connectKube', () => {
  it("the namespace is the flag's, else the context's, else default", async () => {
    expect(client.namespace).toBe('jobs-ns');
    const file = server.writeKubeconfig(dir, { file: 'no-ns' });
    expect((await connectKube({ env: { KUBECONFIG: file } })).namespace).toBe('default');
    expect((await connectKube({ env: { KUBECONFIG: file }, namespace: 'mine' })).namespace).toBe('mine');
  });

  it('lists NodeFeatures across pages, with a selector and per namespace', async () => {
    for (let i = 0; i < 7; i++) {
      server.addNodeFeatures(
        partialNodeFeature(`n${i}`, `n${i}`, {}, { namespace: i % 2 === 0 ? 'even' : 'odd' }),
      );
    }
    const all = await client.listNodeFeatures();
    expect(all.map((o) => o.metadata?.name)).toEqual(['n0', 'n2', 'n4', 'n6', 'n1', 'n3', 'n5']);
    expect(all[0]?.spec.features).toEqual({ flags: {}, attributes: {}, instances: {} });
    const odd = await client.listNodeFeatures({ namespace: 'odd' });
    expect(odd.map((o) => o.metadata?.name)).toEqual(['n1', 'n3', 'n5']);
    const some = await client.listNodeFeatures({
      labelSelector: 'nfd.node.kubernetes.io/node-name in (n1,n6)',
    });
    expect(some.map((o) => o.metadata?.name)).toEqual(['n6', 'n1']);
  });

  it('with `features`, reads only those feature sets of each object, as picking them from the whole would', async () => {
    const own = await startFakeApiServer({ maxPageSize: 2 });
    try {
      for (const [i, host] of FIXTURE_HOSTS.entries()) {
        const object = forNode(await fixtureNodeFeature(host), `h${i}`);
        // Escapes, a null set and a duplicate key must read as JSON.parse reads them.
        const features = (object.spec as { features: { attributes: Record<string, unknown> } }).features;
        features.attributes['quote"d\\set'] = { elements: { 'a"b': 'c\\d' } };
        features.attributes['null.set'] = null;
        own.addNodeFeatures(object);
      }
      const kube = await connectKube({ env: { KUBECONFIG: own.writeKubeconfig(dir, { file: 'features' }) } });
      const names = ['cpu.cpuid', 'kernel.version', 'pci.device', 'quote"d\\set', 'null.set', 'no.such'];
      const whole = await kube.listNodeFeatures();
      const partial = await kube.listNodeFeatures({ features: names, map: (object) => object });
      expect(partial.map((o) => o.metadata)).toEqual(whole.map((o) => o.metadata));
      expect(partial.map((o) => pickFeatures(o.spec.features, names))).toEqual(
        whole.map((o) => pickFeatures(o.spec.features, names)),
      );
      expect(partial[0]?.spec.features.attributes['kernel.config']).toBeUndefined();
    } finally {
      await own.close();
    }
  });

  it('creates, reads, lists the pods of, reads the logs of and deletes a Job', async () => {
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'nfd-validate-a', labels: { app: 'nfd' } },
      spec: { template: { metadata: { labels: { app: 'nfd-validate' } }, spec: { containers: [] } } },
    };
    await client.createJob('jobs-ns', job);
    expect(server.jobs.map((j) => [j.metadata.namespace, j.metadata.name])).toEqual([
      ['jobs-ns', 'nfd-validate-a'],
    ]);
    expect(await client.getJob('jobs-ns', 'nfd-validate-a')).toEqual({ succeeded: 0, failed: 0, active: 0 });
    await expect(client.createJob('jobs-ns', job)).rejects.toThrow(
      'conflict: cannot create jobs.batch "nfd-validate-a" in namespace "jobs-ns": jobs.batch "nfd-validate-a" already exists',
    );
    server.completeJob('jobs-ns', 'nfd-validate-a', [
      { name: 'pod-a', nodeName: 'worker-1', log: '[{"rules":null}]' },
    ]);
    expect(await client.getJob('jobs-ns', 'nfd-validate-a')).toEqual({ succeeded: 1, failed: 0, active: 0 });
    expect(await client.listPods('jobs-ns', 'app=nfd-validate')).toEqual([
      { name: 'pod-a', phase: 'Succeeded', nodeName: 'worker-1' },
    ]);
    expect(await client.readPodLog('jobs-ns', 'pod-a')).toBe('[{"rules":null}]');
    await client.deleteJob('jobs-ns', 'nfd-validate-a');
    expect(server.deletedJobs).toEqual([
      { namespace: 'jobs-ns', name: 'nfd-validate-a', propagationPolicy: 'Background' },
    ]);
    expect(await client.listPods('jobs-ns', 'job-name=nfd-validate-a')).toEqual([]);
    await expect(client.getJob('jobs-ns', 'nfd-validate-a')).rejects.toThrow(
      'not found: get jobs.batch "nfd-validate-a"',
    );
  });

  it('applies a NodeFeatureRule (cluster-scoped) server-side: created, then unchanged, then updated', async () => {
    const rule = (rules: unknown[]) => ({
      apiVersion: 'nfd.k8s-sigs.io/v1alpha1',
      kind: 'NodeFeatureRule',
      metadata: { name: 'image-compat' },
      spec: { rules },
    });
    expect(await client.applyNodeFeatureRule(rule([]))).toEqual({ generation: 1 });
    expect(await client.applyNodeFeatureRule(rule([]))).toEqual({ generation: 1 });
    expect(await client.applyNodeFeatureRule(rule([{ name: 'r', labels: { a: 'b' } }]))).toEqual({
      generation: 2,
    });
    expect(server.nodeFeatureRules.map((r) => r.metadata.name)).toEqual(['image-compat']);
    const patch = server.requests.filter((r) => r.method === 'PATCH').at(-1);
    expect(patch?.path).toBe('/apis/nfd.k8s-sigs.io/v1alpha1/nodefeaturerules/image-compat');
    expect(patch?.query).toEqual({ fieldManager: 'nfd', force: 'true' });
    expect(patch?.headers['content-type']).toBe('application/apply-patch+yaml');
  });

  it('lists nodes with their labels, paged', async () => {
    for (const name of ['w1', 'w2', 'w3', 'w4'])
      server.addNode(name, { pool: name === 'w4' ? 'gpu' : 'cpu' });
    expect((await client.listNodes()).map((n) => n.name)).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect(await client.listNodes({ labelSelector: 'pool!=cpu' })).toEqual([
      { name: 'w4', labels: { 'kubernetes.io/hostname': 'w4', 'kubernetes.io/os': 'linux', pool: 'gpu' } },
    ]);
  });

  it('talks plain HTTP too (kubectl proxy)', async () => {
    const plain = await startFakeApiServer({ tls: false, token: null });
    try {
      plain.addNode('p1');
      const http = await connectKube({ env: {}, kubeconfig: plain.writeKubeconfig(dir, { file: 'plain' }) });
      expect((await http.listNodes()).map((n) => n.name)).toEqual(['p1']);
    } finally {
      await plain.close();
    }
  });
});

describe('loadKubeConfig', () => {
  it('merges the KUBECONFIG list: the first file to define a name or current-context wins', async () => {
    const first = join(dir, 'first');
    writeFileSync(
      first,
      `apiVersion: v1
kind: Config
clusters: [{ name: shared, cluster: { server: "https://first.example:6443" } }]
contexts: [{ name: a, context: { cluster: shared, user: u, namespace: team-a } }]
users: [{ name: u, user: { token: t1 } }]
current-context: a
`,
    );
    const second = join(dir, 'second');
    writeFileSync(
      second,
      `apiVersion: v1
kind: Config
clusters:
- { name: shared, cluster: { server: "https://second.example:6443" } }
- { name: other, cluster: { server: "https://other.example:6443/" } }
contexts: [{ name: b, context: { cluster: other, user: u } }]
users: [{ name: u, user: { token: t2 } }]
current-context: b
`,
    );
    const env = { KUBECONFIG: `${first}:${join(dir, 'missing')}:${second}` };
    const merged = await loadKubeConfig({ env });
    expect(merged).toMatchObject({ context: 'a', server: 'https://first.example:6443', namespace: 'team-a' });
    expect(merged.source).toBe(`${first}:${second}`);
    const b = await loadKubeConfig({ env, context: 'b' });
    expect(b).toMatchObject({ context: 'b', server: 'https://other.example:6443', namespace: 'default' });
    expect(b.user.token).toBe('t1');
  });

  it('uses the in-cluster service account when there is no kubeconfig', async () => {
    const sa = mkdtempSync(join(tmpdir(), 'nfd-sa-'));
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'namespace'), 'nfd-system\n');
    writeFileSync(join(sa, 'ca.crt'), '');
    const loaded = await loadKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
      homeDir: sa,
      serviceAccountDir: sa,
    });
    expect(loaded).toMatchObject({
      context: 'in-cluster',
      server: 'https://10.96.0.1:443',
      namespace: 'nfd-system',
      source: 'the in-cluster service account',
    });
  });
});

describe('the fake API server', () => {
  it('parses equality- and set-based label selectors', () => {
    const matches = (selector: string, labels: Record<string, string>): boolean =>
      parseLabelSelector(selector).every((r) => r(labels));
    expect(matches('a=1,b in (x, y)', { a: '1', b: 'y' })).toBe(true);
    expect(matches('a==1,b notin (x)', { a: '1', b: 'x' })).toBe(false);
    expect(matches('a,!c', { a: '' })).toBe(true);
    expect(matches('a!=1', {})).toBe(true);
    expect(() => parseLabelSelector('a in x')).toThrow();
  });
});
