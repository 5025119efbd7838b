import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../host.ts';
import { type FakeApiServer, startFakeApiServer } from './fake-apiserver.ts';
import { fixtureNodeFeature } from './fixtures.ts';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const RULE = join(fixtures, 'nodefeaturerule.yaml');
const SPEC = join(fixtures, 'cluster-spec.yaml');

const servers: FakeApiServer[] = [];
let dir = '';

async function server(options: Parameters<typeof startFakeApiServer>[0] = {}): Promise<FakeApiServer> {
  const started = await startFakeApiServer(options);
  servers.push(started);
  started.addNode('gpu-node');
  started.addNodeFeatures(await fixtureNodeFeature('gpu-node'));
  return started;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'nfd-kube-errors-'));
});

afterAll(async () => {
  for (const started of servers) await started.close();
});

describe('API errors become one line and a hint (exit 2)', () => {
  it('401: a token the server does not accept; the token is never printed', async () => {
    const api = await server();
    const env = { KUBECONFIG: api.writeKubeconfig(dir, { file: 'bad-token', token: 'secret-wrong-token' }) };
    const result = await run(['test', '-f', RULE, '-n', 'gpu-node'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `the API server at ${api.url} did not accept the credentials (401 Unauthorized)`,
    );
    expect(result.stderr).toContain('check the user of context "fake"');
    expect(result.stderr).not.toContain('secret-wrong-token');
  });

  it('403: RBAC denies listing NodeFeatures; the verb and resource are named', async () => {
    const api = await server();
    api.forbid('list', 'nodefeatures');
    const env = { KUBECONFIG: api.writeKubeconfig(dir, { file: 'rbac' }) };
    const result = await run(['compat', 'validate-cluster', '--spec', SPEC], { env });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'forbidden: cannot list nodefeatures.nfd.k8s-sigs.io (all namespaces): nodefeatures.nfd.k8s-sigs.io is forbidden: User "system:serviceaccount:default:nfd-client" cannot list resource "nodefeatures" in API group "nfd.k8s-sigs.io" at the cluster scope',
    );
    expect(result.stderr).toContain(
      'RBAC must allow the verb "list" on the resource "nodefeatures" of API group "nfd.k8s-sigs.io"',
    );
    expect(result.stderr).toContain('kubectl auth can-i list nodefeatures.nfd.k8s-sigs.io --all-namespaces');
  });

  it('403 on nodes, in a namespace-less request', async () => {
    const api = await server();
    api.forbid('list', 'nodes');
    const env = { KUBECONFIG: api.writeKubeconfig(dir, { file: 'rbac-nodes' }) };
    const result = await run(['compat', 'validate-cluster', '--spec', SPEC], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('forbidden: cannot list nodes');
    expect(result.stderr).toContain('RBAC must allow the verb "list" on the resource "nodes"');
  });

  it('404: NFD not installed (no NodeFeature API), suggesting compat job', async () => {
    const api = await server({ nfdInstalled: false });
    const env = { KUBECONFIG: api.writeKubeconfig(dir, { file: 'no-nfd' }) };
    for (const args of [
      ['test', '-f', RULE, '-n', 'gpu-node'],
      ['compat', 'validate-node', '--spec', SPEC, '--node', 'gpu-node'],
      ['compat', 'validate-cluster', '--spec', SPEC],
    ]) {
      const result = await run(args, { env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('NFD is not installed in this cluster (no NodeFeature API)');
      expect(result.stderr).toContain('nfd compat job');
    }
  });

  it('an unreachable API server is named', async () => {
    const api = await server();
    const file = api.writeKubeconfig(dir, { file: 'gone' });
    await api.close();
    const result = await run(['test', '-f', RULE, '-n', 'gpu-node'], { env: { KUBECONFIG: file } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot reach the Kubernetes API server at ${api.url}`);
    expect(result.stderr).toContain('is the cluster up?');
  });

  it('a certificate the kubeconfig does not trust', async () => {
    const api = await server();
    const file = join(dir, 'untrusted');
    writeFileSync(
      file,
      `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${api.url}" } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
users: [{ name: u, user: { token: fake-token } }]
current-context: x
`,
    );
    const result = await run(['test', '-f', RULE, '-n', 'gpu-node'], { env: { KUBECONFIG: file } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot verify the TLS certificate of the API server at ${api.url}`);
    // One line naming the server and the certificate problem, no Node.js advice.
    expect(result.stderr.split('\n')[0]).toMatch(
      /^error: cannot verify the TLS certificate of the API server at \S+: [\w -]+$/,
    );
    expect(result.stderr).not.toContain('Node.js');
  });
});

describe('paging', () => {
  it('a continue token that expired between pages (410 Gone): exit 2, one line, "run the command again"', async () => {
    const api = await server({ maxPageSize: 2 });
    for (let i = 0; i < 3; i++) {
      api.addNode(`extra-${i}`);
      const object = await fixtureNodeFeature('gpu-node');
      api.addNodeFeatures({
        ...object,
        metadata: {
          ...object.metadata,
          name: `extra-${i}`,
          labels: { 'nfd.node.kubernetes.io/node-name': `extra-${i}` },
        },
      });
    }
    api.afterListPage = () => api.expireContinueTokens();
    const env = { KUBECONFIG: api.writeKubeconfig(dir, { file: 'expiring' }) };
    const result = await run(['compat', 'validate-cluster', '--spec', SPEC], { env });
    api.afterListPage = undefined;
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^error: cannot list \S+ .*the list changed too much while it was paged \(410 Gone\): The provided continue parameter is too old/,
    );
    expect(result.stderr).toContain('hint: run the command again');
  });
});

describe('kubeconfig problems (exit 2)', () => {
  it('a file that is not a kubeconfig is named', async () => {
    const file = join(dir, 'broken');
    writeFileSync(file, 'clusters:\n- cluster: {}\n');
    const result = await run(['test', '-f', RULE, '-n', 'gpu-node', '--kubeconfig', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file} is not a valid kubeconfig: clusters[0].name is missing`);
  });

  it('an empty or missing file', async () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '');
    expect((await run(['test', '-f', RULE, '-n', 'x', '--kubeconfig', empty])).stderr).toContain(
      `${empty} is not a valid kubeconfig: the file is empty`,
    );
    const missing = await run(['test', '-f', RULE, '-n', 'x'], { env: { KUBECONFIG: join(dir, 'nope') } });
    expect(missing.stderr).toContain(`no file of KUBECONFIG exists: ${join(dir, 'nope')}`);
  });

  it('an unknown --context lists the known ones', async () => {
    const api = await server();
    const env = { KUBECONFIG: api.writeKubeconfig(dir, { file: 'ctx' }) };
    const result = await run(['test', '-f', RULE, '-n', 'gpu-node', '--context', 'prod'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`context "prod" is not in ${join(dir, 'ctx')}`);
    expect(result.stderr).toContain('contexts: fake');
  });

  it('no kubeconfig at all and not in a pod', async () => {
    const result = await run(['test', '-f', RULE, '-n', 'gpu-node'], { homeDir: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no kubeconfig found');
  });
});
