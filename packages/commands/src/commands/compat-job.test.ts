import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileCompatibilitySpec, indexFeatures } from '@nfd/matcher';
import { renderCompatibilityReport } from '@nfd/report';
import { type Features, loadCompatibilitySpec } from '@nfd/spec';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { run } from '../../test/host.ts';
import type { ValidateJob } from '../cluster/validate-job.ts';
import type { KubeOptions } from '../kube/index.ts';
import { parseDuration } from './compat-job.ts';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));

/** What each node's pod prints: the validate-node report of the example spec on a fixture host. */
function report(host: string): string {
  const spec = loadCompatibilitySpec(readFileSync(`${repo}/examples/image-compatibility.yaml`, 'utf8'), {
    file: 'spec.yaml',
  });
  if (!spec.ok || spec.documents[0] === undefined) throw new Error('spec does not load');
  const features = JSON.parse(
    readFileSync(`${repo}/test/fixtures/hosts/${host}/expected-features.json`, 'utf8'),
  ) as Features;
  return renderCompatibilityReport(
    compileCompatibilitySpec(spec.documents[0].value).evaluate(indexFeatures(features)),
    'json',
  );
}

// The cluster: nodes, and for each node what its validate pod ends as. The kube client's own tests
// cover the wire format; these cover what the command does with the calls.
const cluster = {
  nodes: [] as { name: string; labels: Record<string, string> }[],
  pods: {} as Record<string, { phase: string; log: string }>,
  calls: [] as string[],
  selectors: [] as string[],
  options: [] as KubeOptions[],
  jobs: new Map<string, string>(),
};

vi.mock('../kube/index.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../kube/index.ts')>();
  return {
    ...original,
    connectKube: async (options: KubeOptions) => {
      cluster.options.push(options);
      return {
        namespace: options.namespace ?? 'from-context',
        listNodes: async (list: { labelSelector?: string } = {}) => {
          cluster.calls.push(`listNodes ${list.labelSelector ?? ''}`);
          const [key, value] = (list.labelSelector ?? '').split('=');
          return cluster.nodes.filter((n) => key === undefined || key === '' || n.labels[key] === value);
        },
        createJob: async (namespace: string, job: ValidateJob) => {
          cluster.calls.push(
            `createJob ${namespace} ${job.spec.template && (job.spec.template as { spec: { nodeName: string } }).spec.nodeName}`,
          );
          cluster.jobs.set(
            job.metadata.name,
            (job.spec.template as { spec: { nodeName: string } }).spec.nodeName,
          );
        },
        listPods: async (_namespace: string, selector: string) => {
          // Each run asks for its own pods: the Job's instance and the run's id.
          const match =
            /^app\.kubernetes\.io\/instance=([^,]+),nfd\.k8s-sigs\.io\/compat-run=([0-9a-f]{10})$/.exec(
              selector,
            );
          cluster.selectors.push(selector);
          const node = cluster.jobs.get(match?.[1] ?? '') ?? '';
          const pod = cluster.pods[node];
          return pod === undefined ? [] : [{ name: `pod-${node}`, phase: pod.phase, nodeName: node }];
        },
        readPodLog: async (_namespace: string, pod: string) => cluster.pods[pod.slice(4)]?.log ?? '',
        getJob: async () => ({ succeeded: 0, failed: 2, active: 0 }),
        deleteJob: async (namespace: string, name: string) => {
          cluster.calls.push(`deleteJob ${namespace} ${cluster.jobs.get(name)}`);
        },
      };
    },
  };
});

const job = (...args: string[]) =>
  run(['compat', 'job', '--image', 'reg.example/app:1', '--client-image', 'reg.example/nfd:1', ...args], {
    kube: true,
  });

beforeEach(() => {
  cluster.nodes = [
    { name: 'gpu-1', labels: { pool: 'gpu' } },
    { name: 'arm-1', labels: { pool: 'arm' } },
  ];
  cluster.pods = {
    'gpu-1': { phase: 'Succeeded', log: report('gpu-node') },
    'arm-1': { phase: 'Failed', log: `warning: something\n${report('arm-node')}` },
  };
  cluster.calls = [];
  cluster.selectors = [];
  cluster.options = [];
  cluster.jobs.clear();
});

describe('compat job --apply runs', () => {
  it('each run has its own id: its Jobs are named for it and it collects only its own pods', async () => {
    const first = await job('--node', 'gpu-1', '--apply', '-o', 'json', '--timeout', '5s');
    const firstJobs = [...cluster.jobs.keys()];
    const firstSelectors = [...cluster.selectors];
    const second = await job('--node', 'gpu-1', '--apply', '-o', 'json', '--timeout', '5s');
    expect(first.code).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const secondJobs = [...cluster.jobs.keys()].filter((name) => !firstJobs.includes(name));
    expect(secondJobs).toHaveLength(1);
    const runOf = (selector: string | undefined) => selector?.split('compat-run=')[1];
    expect(runOf(firstSelectors[0])).toMatch(/^[0-9a-f]{10}$/);
    expect(runOf(cluster.selectors.at(-1))).not.toBe(runOf(firstSelectors[0]));
  });
});

describe('compat job without --apply', () => {
  it("runs this version's release image when --client-image is not given", async () => {
    const result = await run(['compat', 'job', '--image', 'reg.example/app:1', '--node', 'worker-1'], {
      kube: true,
    });
    expect(result.code).toBe(0);
    const [doc] = parseAllDocuments(result.stdout).map((d) => ('toJS' in d ? d.toJS() : undefined));
    expect(doc.spec.template.spec.containers[0].image).toMatch(/^ghcr\.io\/nfd-ts\/nfd:v\d+\.\d+\.\d+/);
  });

  it('prints one Job per --node as YAML documents, without touching the cluster', async () => {
    const result = await job('--node', 'worker-1', '--node', 'worker-2', '--namespace', 'checks');
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const docs = parseAllDocuments(result.stdout).map((d) => ('toJS' in d ? d.toJS() : undefined));
    expect(docs.map((d) => [d.kind, d.metadata.namespace, d.spec.template.spec.nodeName])).toEqual([
      ['Job', 'checks', 'worker-1'],
      ['Job', 'checks', 'worker-2'],
    ]);
    expect(docs[0].spec.template.spec.containers[0].command).toEqual([
      'nfd',
      'compat',
      'validate-node',
      '--image',
      'reg.example/app:1',
      '--output-json',
    ]);
    expect(docs[0].spec.activeDeadlineSeconds).toBe(360);
    expect(cluster.options).toEqual([]);
  });

  it('prints a List with -o json, for the nodes of --selector or --all-nodes', async () => {
    const selected = await job('--selector', 'pool=gpu', '-o', 'json', '--timeout', '90s', '--plain-http');
    expect(selected.code).toBe(0);
    const list = JSON.parse(selected.stdout);
    expect(list.kind).toBe('List');
    expect(list.items.map((i: ValidateJob) => i.metadata.annotations['compat.nfd.k8s-sigs.io/node'])).toEqual(
      ['gpu-1'],
    );
    expect(list.items[0].spec.activeDeadlineSeconds).toBe(150);
    expect(list.items[0].spec.template.spec.containers[0].command.at(-1)).toBe('--plain-http');
    expect(cluster.calls).toEqual(['listNodes pool=gpu']);

    const all = JSON.parse((await job('--all-nodes', '-o', 'json')).stdout);
    expect(all.items.map((i: ValidateJob) => i.metadata.annotations['compat.nfd.k8s-sigs.io/node'])).toEqual([
      'arm-1',
      'gpu-1',
    ]);
  });

  it('needs exactly one way to name the nodes, and a node to match', async () => {
    for (const args of [[], ['--node', 'a', '--all-nodes'], ['--all-nodes', '--selector', 'x=y']]) {
      const result = await job(...args);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'error: give exactly one of --node NODE, --all-nodes and --selector LABELS\n',
      );
    }
    const none = await job('--selector', 'pool=none');
    expect(none).toEqual({ code: 2, stdout: '', stderr: 'error: no node matches pool=none\n' });
    const table = await job('--node', 'a', '-o', 'table');
    expect(table.code).toBe(2);
    expect(table.stderr).toContain('-o table goes with --apply');
    const timeout = await job('--node', 'a', '--timeout', 'soon');
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toContain('invalid duration "soon"');
  });
});

describe('compat job --apply', () => {
  it('creates, waits, reads the reports, deletes, and prints the matrix as JSON', async () => {
    const result = await job('--all-nodes', '--apply', '-o', 'json', '--namespace', 'checks');
    expect(result.code).toBe(0);
    const matrix = JSON.parse(result.stdout);
    expect(matrix.summary).toEqual({ compatible: 1, incompatible: 1 });
    expect(matrix.nodes.map((n: { name: string; compatible: boolean }) => [n.name, n.compatible])).toEqual([
      ['arm-1', false],
      ['gpu-1', true],
    ]);
    expect(matrix.nodes[1].bestSet).toEqual({
      index: 0,
      tag: 'preferred',
      weight: 10,
      description: 'VFIO, kernel >= 5.15 and a ConnectX NIC',
    });
    expect(matrix.nodes[1].sets).toHaveLength(2);
    expect(cluster.calls).toEqual([
      'listNodes ',
      'createJob checks arm-1',
      'createJob checks gpu-1',
      'deleteJob checks arm-1',
      'deleteJob checks gpu-1',
    ]);
    expect(result.stderr).toBe(
      'created 2 Jobs in namespace checks\n2/2 nodes reported, 0 running, 0 waiting\n',
    );
    // The client has no abort signal: after Ctrl-C it still has to delete the Jobs.
    expect(cluster.options[0]).not.toHaveProperty('signal');
    expect(cluster.options[0]).toMatchObject({ namespace: 'checks' });
  });

  it('prints the table, in the namespace of the context, exit 1 when no node is compatible', async () => {
    const result = await job('--node', 'arm-1', '--apply');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('arm-1');
    expect(result.stdout).toContain('1 node: 0 compatible, 1 incompatible.');
    expect(cluster.calls[0]).toBe('createJob from-context arm-1');
  });

  it('exits 2 when no node could be validated, naming why', async () => {
    cluster.pods = {
      'gpu-1': { phase: 'Failed', log: 'error: no compatibility spec attached to reg.example/app:1' },
    };
    const result = await job('--node', 'gpu-1', '--apply', '-o', 'json');
    expect(result.code).toBe(2);
    const matrix = JSON.parse(result.stdout);
    expect(matrix.nodes[0]).toMatchObject({ name: 'gpu-1', compatible: false, bestSet: null, sets: [] });
    expect(matrix.nodes[0].reason).toContain('no compatibility spec attached to reg.example/app:1');
    expect(result.stderr).toContain('error: no node could be validated (1 failed)');
    expect(cluster.calls.at(-1)).toBe('deleteJob from-context gpu-1');
  });
});

describe('parseDuration', () => {
  it('reads seconds, and h/m/s', () => {
    expect([parseDuration('90'), parseDuration('90s'), parseDuration('5m'), parseDuration('1h30m')]).toEqual([
      90, 90, 300, 5400,
    ]);
    expect(() => parseDuration('')).toThrow('invalid duration');
    expect(() => parseDuration('5 minutes')).toThrow('invalid duration');
  });
});
