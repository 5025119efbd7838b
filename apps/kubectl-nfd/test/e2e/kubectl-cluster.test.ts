import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeApiServer,
  startFakeApiServer,
} from '../../../../packages/commands/test/kube/fake-apiserver.ts';
import { findPeer, missingPeer } from '../../../../test/support/peers.ts';
import { skipUnless } from '../../../../test/support/skip.ts';

// `kubectl nfd test -f RULE -n NODE` through the real kubectl, with KUBECONFIG pointing at the
// test API server (its certificate authority and bearer token in the kubeconfig), as a user runs it.

const bin = fileURLToPath(new URL('../../bin/kubectl-nfd', import.meta.url));
const nfd = fileURLToPath(new URL('../../../cli/bin/nfd', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const hosts = join(repo, 'test', 'fixtures', 'hosts');
const rule = join(repo, 'packages/commands/test/fixtures/nodefeaturerule.yaml');

const kubectlBin = findPeer('kubectl') ?? 'kubectl';
const noKubectl = missingPeer('kubectl');

let server: FakeApiServer;
let pluginDir = '';
let kubeconfig = '';

beforeAll(async () => {
  pluginDir = mkdtempSync(join(tmpdir(), 'kubectl-nfd-cluster-'));
  symlinkSync(bin, join(pluginDir, 'kubectl-nfd'));
  server = await startFakeApiServer();
  kubeconfig = server.writeKubeconfig(pluginDir);
  // The NodeFeature nfd-worker would publish for the gpu-node fixture: our own export of it.
  const exported = spawnSync(
    nfd,
    [
      'export',
      'features',
      '--nodefeature',
      '--node-name',
      'gpu-node',
      '--host-root',
      join(hosts, 'gpu-node'),
    ],
    { encoding: 'utf8' },
  );
  expect(exported.status).toBe(0);
  const nodeFeature = JSON.parse(exported.stdout);
  // A missing or emptied fixture exports nothing: fail here rather than test on empty data.
  expect(Object.keys(nodeFeature.spec.features.instances['pci.device']?.elements ?? [])).not.toHaveLength(0);
  server.addNode('gpu-node');
  server.addNodeFeatures(nodeFeature);
});

afterAll(async () => {
  await server?.close();
});

/** Runs kubectl asynchronously: the test API server answers from this process meanwhile. */
function kubectl(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
    execFile(
      kubectlBin,
      args,
      {
        cwd: repo,
        encoding: 'utf8',
        env: {
          ...process.env,
          PATH: `${pluginDir}:${process.env.PATH}`,
          NO_COLOR: '1',
          KUBECONFIG: kubeconfig,
          ...env,
        },
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== 'number') {
          reject(new Error(`cannot run kubectl (it must be on PATH): ${error.message}`));
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}

describe('kubectl nfd against a cluster (through the real kubectl)', skipUnless(noKubectl), () => {
  it("test -f RULE -n NODE: the node's NodeFeature from the API server, printed as dryrun prints", async () => {
    const result = await kubectl(['nfd', 'test', '-f', rule, '-n', 'gpu-node']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Evaluating NodeFeatureRule against Node gpu-node\n');
    expect(result.stdout).toContain('vendor.io/gpu=true');
    const lists = server.requests.filter((r) => r.path === '/apis/nfd.k8s-sigs.io/v1alpha1/nodefeatures');
    expect(lists.at(-1)?.query.labelSelector).toBe('nfd.node.kubernetes.io/node-name=gpu-node');
  });

  it('test -o json with -k/--kubeconfig, and exit 2 with the reason for an unknown node', async () => {
    const json = await kubectl(
      ['nfd', 'test', '-f', rule, '-n', 'gpu-node', '-k', kubeconfig, '-o', 'json'],
      {
        KUBECONFIG: '/dev/null',
      },
    );
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).labels['vendor.io/gpu']).toBe('true');
    const unknown = await kubectl(['nfd', 'test', '-f', rule, '-n', 'worker-9']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no NodeFeature object of node "worker-9" in any namespace');
  });

  it('compat validate-cluster: the JSON matrix and exit 0', async () => {
    const spec = join(repo, 'packages/commands/test/fixtures/cluster-spec.yaml');
    const result = await kubectl(['nfd', 'compat', 'validate-cluster', '--spec', spec, '-o', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.summary).toEqual({ compatible: 1, incompatible: 0 });
    expect(report.nodes[0]).toMatchObject({
      name: 'gpu-node',
      compatible: true,
      bestSet: { index: 0, tag: 'avx512' },
    });
  });
});
