// Running the validate Jobs: create them, wait for each node's report, always delete them.
import type { CompatibilityStatus } from '@nfd/matcher';
import type { KubeClient } from '../kube/index.ts';
import { NODE_ANNOTATION, RUN_LABEL, type ValidateJob, validatePodSelector } from './validate-job.ts';

/** One node's outcome: its validate-node report, or why there is none. */
export type NodeOutcome = { name: string; statuses: CompatibilityStatus[] } | { name: string; error: string };

/** The calls the Jobs need; a KubeClient has them. */
export type ValidateJobClient = Pick<
  KubeClient,
  'createJob' | 'getJob' | 'listPods' | 'readPodLog' | 'deleteJob'
>;

export interface RunValidateJobsOptions {
  namespace: string;
  /** How long to wait for all reports before giving up on the missing ones. */
  timeoutMs: number;
  /** Between two looks at the Jobs (default 2 s). */
  pollMs?: number;
  /** Stops the wait (Ctrl-C); the Jobs are still deleted. */
  signal?: AbortSignal;
  /** A progress line whenever the counts change (stderr). */
  onProgress?: (message: string) => void;
  /** Jobs that could not be deleted. */
  onWarning?: (message: string) => void;
  /** Injectable clock and sleep, for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** A validate pod fails once and is retried once (backoffLimit 1) before its Job gives up. */
const ATTEMPTS = 2;
const DEFAULT_POLL_MS = 2000;

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isStatusList(value: unknown): value is CompatibilityStatus[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item) =>
        typeof item === 'object' &&
        item !== null &&
        'rules' in item &&
        (item.rules === null || Array.isArray(item.rules)),
    )
  );
}

/**
 * The validate-node JSON report in a pod's log, or undefined. The log interleaves stderr (warnings)
 * with stdout, so the report is looked for as a line, or a run of lines, that parses as one.
 */
export function parseValidateNodeLog(log: string): CompatibilityStatus[] | undefined {
  const attempt = (text: string): CompatibilityStatus[] | undefined => {
    try {
      const value: unknown = JSON.parse(text);
      return isStatusList(value) ? value : undefined;
    } catch {
      // Not JSON: keep looking (warnings and errors share the log).
      return undefined;
    }
  };
  const whole = attempt(log.trim());
  if (whole !== undefined) return whole;
  const lines = log.split('\n');
  for (let start = lines.length - 1; start >= 0; start -= 1) {
    if (!(lines[start] ?? '').startsWith('[')) continue;
    for (let end = lines.length; end > start; end -= 1) {
      const found = attempt(lines.slice(start, end).join('\n'));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The last lines of a log, for an error message. */
function logTail(log: string): string {
  const lines = log
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.length === 0 ? '(empty log)' : lines.slice(-3).join(' / ');
}

function nodeOf(job: ValidateJob): string {
  return job.metadata.annotations[NODE_ANNOTATION] ?? job.metadata.name;
}

interface Tracked {
  job: ValidateJob;
  node: string;
  /** Reports (or their absence) of finished pods, so each log is read once. */
  pods: Map<string, CompatibilityStatus[] | string>;
  phase: string;
}

/**
 * Creates the Jobs, waits until every node has reported (or the timeout), and deletes every Job
 * it created, also on error or abort. A node's report is the JSON its pod printed, exit status 0
 * (compatible) or 1 (incompatible); a pod that printed none failed, and is retried once.
 */
export async function runValidateJobs(
  client: ValidateJobClient,
  jobs: readonly ValidateJob[],
  options: RunValidateJobsOptions,
): Promise<NodeOutcome[]> {
  const { namespace, signal } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const created: string[] = [];
  const outcomes = new Map<string, NodeOutcome>();
  try {
    for (const job of jobs) {
      signal?.throwIfAborted();
      await client.createJob(namespace, job);
      created.push(job.metadata.name);
    }
    options.onProgress?.(
      `created ${created.length} Job${created.length === 1 ? '' : 's'} in namespace ${namespace}`,
    );
    const tracked: Tracked[] = jobs.map((job) => ({
      job,
      node: nodeOf(job),
      pods: new Map(),
      phase: 'Pending',
    }));
    const deadline = now() + options.timeoutMs;
    let lastProgress = '';
    for (;;) {
      signal?.throwIfAborted();
      for (const entry of tracked) {
        if (outcomes.has(entry.job.metadata.name)) continue;
        const outcome = await checkJob(client, namespace, entry);
        if (outcome !== undefined) outcomes.set(entry.job.metadata.name, outcome);
      }
      const pending = tracked.filter((entry) => !outcomes.has(entry.job.metadata.name));
      const running = pending.filter((entry) => entry.phase === 'Running').length;
      const progress = `${outcomes.size}/${tracked.length} nodes reported, ${running} running, ${pending.length - running} waiting`;
      if (progress !== lastProgress) {
        options.onProgress?.(progress);
        lastProgress = progress;
      }
      if (pending.length === 0) break;
      if (now() >= deadline) {
        for (const entry of pending) {
          outcomes.set(entry.job.metadata.name, {
            name: entry.node,
            error: `no report within ${Math.round(options.timeoutMs / 1000)}s (Job ${entry.job.metadata.name}, pod ${entry.phase})`,
          });
        }
        break;
      }
      await sleep(Math.min(options.pollMs ?? DEFAULT_POLL_MS, Math.max(0, deadline - now())), signal);
    }
  } finally {
    for (const name of created) {
      try {
        await client.deleteJob(namespace, name);
      } catch (error) {
        options.onWarning?.(
          `could not delete Job ${namespace}/${name}: ${error instanceof Error ? error.message : String(error)}; it goes away by itself (ttlSecondsAfterFinished)`,
        );
      }
    }
  }
  return jobs.map((job) => outcomes.get(job.metadata.name) ?? { name: nodeOf(job), error: 'no report' });
}

async function checkJob(
  client: ValidateJobClient,
  namespace: string,
  entry: Tracked,
): Promise<NodeOutcome | undefined> {
  const pods = await client.listPods(
    namespace,
    validatePodSelector(entry.job.metadata.name, entry.job.metadata.labels[RUN_LABEL]),
  );
  const active = pods.find((pod) => pod.phase === 'Running') ?? pods.find((pod) => pod.phase === 'Pending');
  entry.phase = active?.phase ?? (pods.length === 0 ? 'not created yet' : 'Pending');
  let lastFailure: string | undefined;
  for (const pod of pods) {
    if (pod.phase !== 'Succeeded' && pod.phase !== 'Failed') continue;
    let seen = entry.pods.get(pod.name);
    if (seen === undefined) {
      const log = await client.readPodLog(namespace, pod.name);
      seen =
        parseValidateNodeLog(log) ??
        `pod ${pod.name} ${pod.phase.toLowerCase()} without a report: ${logTail(log)}`;
      entry.pods.set(pod.name, seen);
    }
    if (typeof seen !== 'string') return { name: entry.node, statuses: seen };
    lastFailure = seen;
  }
  if (lastFailure === undefined) return undefined;
  const failedPods = [...entry.pods.values()].filter((seen) => typeof seen === 'string').length;
  const job = await client.getJob(namespace, entry.job.metadata.name);
  if (failedPods >= ATTEMPTS || (job.failed >= ATTEMPTS && job.active === 0)) {
    return { name: entry.node, error: lastFailure };
  }
  return undefined;
}
