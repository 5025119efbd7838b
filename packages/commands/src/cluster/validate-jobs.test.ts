import { readFileSync } from 'node:fs';
import { compileCompatibilitySpec, indexFeatures } from '@nfd/matcher';
import { renderCompatibilityReport } from '@nfd/report';
import { type Features, loadCompatibilitySpec } from '@nfd/spec';
import { describe, expect, it } from 'vitest';
import { type ValidateJob, validateJobManifest } from './validate-job.ts';
import { parseValidateNodeLog, runValidateJobs, type ValidateJobClient } from './validate-jobs.ts';

const repo = new URL('../../../../', import.meta.url);
const specText = readFileSync(new URL('examples/image-compatibility.yaml', repo), 'utf8');
const specResult = loadCompatibilitySpec(specText, { file: 'spec.yaml' });
if (!specResult.ok) throw new Error('example spec does not load');
const spec = specResult.documents[0]?.value;
if (spec === undefined) throw new Error('no spec');

/** The log a validate pod on this host prints: a warning on stderr, then the JSON report. */
function podLog(host: string): string {
  const features = JSON.parse(
    readFileSync(new URL(`test/fixtures/hosts/${host}/expected-features.json`, repo), 'utf8'),
  ) as Features;
  const statuses = compileCompatibilitySpec(spec as NonNullable<typeof spec>).evaluate(
    indexFeatures(features),
  );
  return `warning: /host-boot holds no kernel config\n${renderCompatibilityReport(statuses, 'json')}`;
}

type PodState = { phase: string; log?: string }[];

/**
 * A cluster in which each Job's pods go through scripted states, one per look (the last state
 * stays), and which records every call.
 */
function fakeCluster(script: Record<string, PodState[]>, failures: { createAt?: number } = {}) {
  const calls: string[] = [];
  const looks = new Map<string, number>();
  const jobs = new Map<string, string>();
  const client: ValidateJobClient = {
    async createJob(namespace, job) {
      const { metadata } = job as ValidateJob;
      if (failures.createAt === jobs.size) throw new Error('jobs.batch is forbidden');
      calls.push(`create ${namespace}/${metadata.name}`);
      jobs.set(metadata.name, metadata.annotations['compat.nfd.k8s-sigs.io/node'] ?? '');
    },
    async listPods(namespace, selector) {
      const name = selector.split('=')[1] ?? '';
      const node = jobs.get(name) ?? '';
      const states = script[node] ?? [[]];
      const look = looks.get(node) ?? 0;
      looks.set(node, look + 1);
      const state = states[Math.min(look, states.length - 1)] ?? [];
      calls.push(`list ${namespace} ${selector}`);
      return state.map((pod, i) => ({ name: `${name}-${i}`, phase: pod.phase, nodeName: node }));
    },
    async readPodLog(_namespace, pod) {
      calls.push(`log ${pod}`);
      const [job, i] = [pod.slice(0, pod.lastIndexOf('-')), Number(pod.slice(pod.lastIndexOf('-') + 1))];
      const node = jobs.get(job) ?? '';
      const states = script[node] ?? [];
      for (const state of [...states].reverse()) {
        const log = state[i]?.log;
        if (log !== undefined) return log;
      }
      return '';
    },
    async getJob(_namespace, name) {
      const node = jobs.get(name) ?? '';
      const states = script[node] ?? [[]];
      const state = states[Math.min((looks.get(node) ?? 1) - 1, states.length - 1)] ?? [];
      return {
        succeeded: state.filter((p) => p.phase === 'Succeeded').length,
        failed: state.filter((p) => p.phase === 'Failed').length,
        active: state.filter((p) => p.phase === 'Running' || p.phase === 'Pending').length,
      };
    },
    async deleteJob(namespace, name) {
      calls.push(`delete ${namespace}/${name}`);
    },
  };
  return { client, calls };
}

function jobsFor(nodes: string[]): ValidateJob[] {
  return nodes.map((node) =>
    validateJobManifest({ node, image: 'reg/app:1', clientImage: 'reg/nfd:1', namespace: 'ns' }),
  );
}

/** A clock that advances by each sleep, so timeouts are exact and instant. */
function virtualTime() {
  let time = 0;
  return {
    now: () => time,
    sleep: async (ms: number) => {
      time += ms;
    },
  };
}

describe('runValidateJobs', () => {
  it('collects every node’s report, shows progress, and deletes the Jobs', async () => {
    const { client, calls } = fakeCluster({
      'gpu-node': [
        [],
        [{ phase: 'Pending' }],
        [{ phase: 'Running' }],
        [{ phase: 'Succeeded', log: podLog('gpu-node') }],
      ],
      // Incompatible: exit status 1, the pod failed, its report is in the log; no retry is waited for.
      'arm-node': [[{ phase: 'Running' }], [{ phase: 'Failed', log: podLog('arm-node') }]],
    });
    const progress: string[] = [];
    const outcomes = await runValidateJobs(client, jobsFor(['gpu-node', 'arm-node']), {
      namespace: 'ns',
      timeoutMs: 60_000,
      onProgress: (line) => progress.push(line),
      ...virtualTime(),
    });
    expect(outcomes.map((o) => o.name)).toEqual(['gpu-node', 'arm-node']);
    const [gpu, arm] = outcomes;
    expect(gpu && 'statuses' in gpu && gpu.statuses.map((s) => s.rules?.every((r) => r.isMatch))).toEqual([
      true,
      true,
    ]);
    expect(arm && 'statuses' in arm && arm.statuses.map((s) => s.rules?.every((r) => r.isMatch))).toEqual([
      false,
      false,
    ]);
    expect(progress[0]).toBe('created 2 Jobs in namespace ns');
    expect(progress.at(-1)).toBe('2/2 nodes reported, 0 running, 0 waiting');
    expect(progress).toContain('1/2 nodes reported, 1 running, 0 waiting');
    const deletes = calls.filter((c) => c.startsWith('delete'));
    expect(deletes).toHaveLength(2);
    // Each finished pod's log is read once.
    expect(calls.filter((c) => c.startsWith('log')).length).toBe(2);
  });

  it('retries a pod that printed no report once, then reports the error of the last', async () => {
    const { client } = fakeCluster({
      flaky: [
        [{ phase: 'Failed', log: 'error: registry unreachable' }],
        [{ phase: 'Failed', log: 'error: registry unreachable' }, { phase: 'Running' }],
        [
          { phase: 'Failed', log: 'error: registry unreachable' },
          { phase: 'Succeeded', log: podLog('gpu-node') },
        ],
      ],
      broken: [
        [{ phase: 'Failed', log: 'error: no compatibility spec attached' }],
        [
          { phase: 'Failed', log: 'error: no compatibility spec attached' },
          { phase: 'Failed', log: 'error: no compatibility spec attached to reg/app:1\nhint: attach one' },
        ],
      ],
    });
    const outcomes = await runValidateJobs(client, jobsFor(['flaky', 'broken']), {
      namespace: 'ns',
      timeoutMs: 60_000,
      ...virtualTime(),
    });
    expect('statuses' in (outcomes[0] ?? {})).toBe(true);
    expect(outcomes[1]).toEqual({
      name: 'broken',
      error: expect.stringMatching(
        /failed without a report: error: no compatibility spec attached to reg\/app:1 \/ hint: attach one$/,
      ),
    });
  });

  it('gives up on nodes without a report at the timeout, and still deletes every Job', async () => {
    const { client, calls } = fakeCluster({
      done: [[{ phase: 'Succeeded', log: podLog('gpu-node') }]],
      stuck: [[{ phase: 'Pending' }]],
    });
    const clock = virtualTime();
    const outcomes = await runValidateJobs(client, jobsFor(['done', 'stuck']), {
      namespace: 'ns',
      timeoutMs: 10_000,
      pollMs: 1000,
      ...clock,
    });
    expect(outcomes[1]).toEqual({
      name: 'stuck',
      error: expect.stringMatching(
        /^no report within 10s \(Job nfd-validate-stuck-[0-9a-f]+, pod Pending\)$/,
      ),
    });
    expect(clock.now()).toBe(10_000);
    expect(calls.filter((c) => c.startsWith('delete'))).toHaveLength(2);
  });

  it('deletes the Jobs it created when creating another fails, or on abort', async () => {
    const failing = fakeCluster({}, { createAt: 1 });
    await expect(
      runValidateJobs(failing.client, jobsFor(['a', 'b', 'c']), {
        namespace: 'ns',
        timeoutMs: 1000,
        ...virtualTime(),
      }),
    ).rejects.toThrow('forbidden');
    expect(failing.calls.filter((c) => c.startsWith('delete'))).toEqual([
      `delete ns/${jobsFor(['a'])[0]?.metadata.name}`,
    ]);

    const aborting = fakeCluster({ a: [[{ phase: 'Running' }]] });
    const controller = new AbortController();
    await expect(
      runValidateJobs(aborting.client, jobsFor(['a']), {
        namespace: 'ns',
        timeoutMs: 60_000,
        signal: controller.signal,
        sleep: async () => controller.abort(new Error('interrupted')),
      }),
    ).rejects.toThrow('interrupted');
    expect(aborting.calls.filter((c) => c.startsWith('delete'))).toHaveLength(1);
  });

  it('warns about a Job it cannot delete and goes on', async () => {
    const { client } = fakeCluster({ a: [[{ phase: 'Succeeded', log: podLog('arm-node') }]] });
    const warnings: string[] = [];
    client.deleteJob = async () => {
      throw new Error('connection reset');
    };
    const outcomes = await runValidateJobs(client, jobsFor(['a']), {
      namespace: 'ns',
      timeoutMs: 1000,
      onWarning: (w) => warnings.push(w),
      ...virtualTime(),
    });
    expect(outcomes).toHaveLength(1);
    expect(warnings[0]).toMatch(/^could not delete Job ns\/nfd-validate-a-[0-9a-f]+: connection reset/);
  });
});

describe('parseValidateNodeLog', () => {
  it('finds the report among warnings, in one line or indented', () => {
    const report = [{ rules: [{ name: 'r', isMatch: true }] }];
    expect(parseValidateNodeLog(JSON.stringify(report))).toEqual(report);
    expect(parseValidateNodeLog(`warning: x\n${JSON.stringify(report, null, 2)}\n`)).toEqual(report);
    expect(parseValidateNodeLog(`${JSON.stringify(report)}\nwarning: after\n`)).toEqual(report);
    expect(parseValidateNodeLog('[{"rules":null}]')).toEqual([{ rules: null }]);
  });

  it('refuses logs without a report', () => {
    expect(parseValidateNodeLog('')).toBeUndefined();
    expect(parseValidateNodeLog('error: boom\n')).toBeUndefined();
    expect(parseValidateNodeLog('[1, 2]')).toBeUndefined();
    expect(parseValidateNodeLog('{"rules": []}')).toBeUndefined();
  });
});
