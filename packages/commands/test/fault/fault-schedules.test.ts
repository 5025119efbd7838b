// Issue 15 "hardening": attach-spec / list-specs / validate-spec / remove-spec through a fault-injecting
// proxy (./fault-proxy.ts) in front of real registries (./registries.ts), over seeded schedules
// (./schedules.ts). Each schedule seeds a fresh repository directly (an image and 0–2 specs), runs one
// command in-process (../host.ts, the real command tree) against the proxy, then reads the registry
// directly and checks (./outcome.ts), collecting every violation:
//
//   - the command finished within DEADLINE_MS (wall clock; with --request-timeout 5s, which half the
//     stalled-body schedules pass where the flag exists, within SHORT_TIMEOUT_BOUND_MS); exit 0, 1 or 2
//   - no stack trace and no secret (password, Basic credentials) in stdout/stderr; no Authorization
//     header sent to the other origin of a cross-host redirect (the proxy checks)
//   - the stored state matches what the command printed: an attached digest exists and is listed; a
//     failed attach leaves nothing, or names each leftover with a remove-spec --digest clean-up;
//     list-specs prints exactly the attached set; validate-spec judges the newest attached spec;
//     removed digests are gone and listed nowhere; a failed remove leaves the registry unchanged or
//     names what remains; specs not asked for are never lost; read-only commands change nothing
//
// Environment: NFD_FAULT_SEED (base seed, default 15), NFD_FAULT_SCHEDULES (main schedules, default
// 216), NFD_FAULT_STALL_SCHEDULES (stalled-body schedules, default 12), NFD_FAULT_SEEDS (run exactly
// these schedule seeds, comma-separated: what a report prints), NFD_FAULT_CONCURRENCY (schedules at a
// time per registry, default 3), NFD_FAULT_VERBOSE=1 (print the exchange log of every violation),
// NFD_FAULT_REPORT=FILE (append the summaries to FILE).
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { skipUnless } from '../../../../test/support/skip.ts';
import { type RunResult, run } from '../host.ts';
import { FaultProxy } from './fault-proxy.ts';
import {
  checkOutcome,
  digestsIn,
  type Seeded,
  snapshot,
  type Violation,
  writtenThroughProxy,
} from './outcome.ts';
import { missingRegistry, Registries, type Registry } from './registries.ts';
import {
  CREATED,
  pushFallbackIndex,
  pushImage,
  pushSpecArtifact,
  sha256,
  specText,
} from './registry-state.ts';
import {
  describeSchedule,
  type Group,
  REGISTRY_KINDS,
  type RegistryKind,
  type Schedule,
  scheduleFor,
  scheduleSeeds,
} from './schedules.ts';

/** Wall-clock bound of one command. */
const DEADLINE_MS = 45_000;
/** After the deadline the proxy stops faulting and cuts stalled responses; the command gets this much more. */
const GRACE_MS = 60_000;
/** Bound of a stalled-body command given `--request-timeout 5s` (one stall, retries of other faults). */
const SHORT_TIMEOUT_BOUND_MS = 20_000;

const envNumber = (name: string, fallback: number): number => {
  const value = process.env[name];
  return value === undefined || value === '' ? fallback : Number(value);
};
const BASE_SEED = envNumber('NFD_FAULT_SEED', 15);
const MAIN_COUNT = envNumber('NFD_FAULT_SCHEDULES', 216);
const STALL_COUNT = envNumber('NFD_FAULT_STALL_SCHEDULES', 12);
const CONCURRENCY = Math.max(1, envNumber('NFD_FAULT_CONCURRENCY', 3));
const VERBOSE = process.env.NFD_FAULT_VERBOSE === '1';
const SEEDS: number[] =
  process.env.NFD_FAULT_SEEDS !== undefined && process.env.NFD_FAULT_SEEDS !== ''
    ? process.env.NFD_FAULT_SEEDS.split(',').map((s) => Number(s.trim()))
    : scheduleSeeds(BASE_SEED, MAIN_COUNT, STALL_COUNT);
const SCHEDULES: Schedule[] = SEEDS.map(scheduleFor);

const registries = new Registries();
let workDir = '';
let attachSpecFile = '';
let attachSpecDigest = '';
/** `--request-timeout 5s` where the commands have the flag (issue 15), else nothing: for half the stall schedules. */
let stallFlags: string[] = [];
let requestTimeoutFlag = false;

interface ScheduleReport {
  readonly schedule: Schedule;
  readonly violations: Violation[];
  readonly elapsedMs: number;
  readonly code: number | null;
  readonly log: string[];
  readonly stderr: string;
  /** The kinds of the faults applied (`503`, `flip`, …), one per faulted request. */
  readonly applied: string[];
  /** Requests that followed a redirect to the other origin. */
  readonly redirected: number;
}

const dockerRegistryMissing = missingRegistry('plain');

beforeAll(async () => {
  if (dockerRegistryMissing !== false) return;
  workDir = mkdtempSync(join(tmpdir(), 'nfd-fault-'));
  attachSpecFile = join(workDir, 'spec.yaml');
  const text = specText('attached by the command', true);
  writeFileSync(attachSpecFile, text);
  attachSpecDigest = sha256(text);
  await registries.start(REGISTRY_KINDS);
  const help = await run(['compat', 'list-specs', '--help']);
  requestTimeoutFlag = help.stdout.includes('--request-timeout');
  stallFlags = requestTimeoutFlag ? ['--request-timeout', '5s'] : [];
}, 60_000);

afterAll(async () => {
  await registries.stop();
  if (workDir !== '') rmSync(workDir, { recursive: true, force: true });
}, 30_000);

/** Seeds the schedule's repository directly: the image and its specs (plus the fallback index). */
async function seed(registry: Registry, schedule: Schedule): Promise<Seeded> {
  const repo = `fault/${schedule.op}-${schedule.registry}-${schedule.seed}`;
  const subject = await pushImage(registry, repo);
  const artifacts: Seeded['artifacts'][number][] = [];
  const blobs = [sha256('{}'), sha256(`layer of ${repo}\n`)];
  for (const [i, spec] of schedule.existing.entries()) {
    const text = specText(`${schedule.seed}-${i}`, spec.valid);
    const created = `2025-01-0${i + 1}T00:00:00Z`;
    const descriptor = await pushSpecArtifact(registry, repo, subject, text, created);
    artifacts.push({ ...descriptor, valid: spec.valid, specDigest: sha256(text) });
    blobs.push(sha256(text));
  }
  if (!registry.referrersApi && artifacts.length > 0) {
    await pushFallbackIndex(
      registry,
      repo,
      subject.digest,
      artifacts.map((a) => ({
        mediaType: a.mediaType,
        digest: a.digest,
        size: a.size,
        artifactType: a.artifactType as string,
        annotations: { [CREATED]: a.annotations?.[CREATED] as string },
      })),
    );
  }
  return { repo, subject, artifacts, blobs, attachSpecDigest };
}

function commandArgs(
  schedule: Schedule,
  image: string,
  seeded: Seeded,
): { args: string[]; targets: string[] } {
  const common = ['--plain-http', ...(schedule.shortTimeout ? stallFlags : [])];
  switch (schedule.op) {
    case 'attach':
      return {
        args: [
          'compat',
          'attach-spec',
          '--image',
          image,
          '--spec',
          attachSpecFile,
          ...common,
          ...(schedule.json ? ['-o', 'json'] : []),
        ],
        targets: [],
      };
    case 'list':
      return {
        args: ['compat', 'list-specs', '--image', image, ...common, ...(schedule.json ? ['-o', 'json'] : [])],
        targets: [],
      };
    case 'validate':
      return { args: ['compat', 'validate-spec', '--image', image, ...common], targets: [] };
    case 'remove': {
      const target = seeded.artifacts[schedule.removeIndex];
      if (schedule.removeMode === 'digest' && target !== undefined) {
        return {
          args: ['compat', 'remove-spec', '--image', image, '--digest', target.digest, ...common],
          targets: [target.digest],
        };
      }
      return {
        args: ['compat', 'remove-spec', '--image', image, '--yes', ...common],
        targets: seeded.artifacts.map((a) => a.digest),
      };
    }
  }
}

interface Bounded {
  readonly result: RunResult | null;
  readonly elapsedMs: number;
  readonly error?: unknown;
}

/** Runs the command; past DEADLINE_MS the proxy calms down (stalls cut) and the command gets GRACE_MS more. */
async function runBounded(
  args: string[],
  options: { stdin?: string },
  proxy: FaultProxy,
  onDeadline: () => void,
): Promise<Bounded> {
  const started = performance.now();
  const running = run(args, { ...options, env: {} }).then(
    (result) => ({ result, elapsedMs: performance.now() - started }),
    (error: unknown) => ({ result: null, elapsedMs: performance.now() - started, error }),
  );
  const wait = (ms: number): { promise: Promise<null>; cancel: () => void } => {
    let timer: NodeJS.Timeout | undefined;
    const promise = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), ms);
    });
    return { promise, cancel: () => clearTimeout(timer) };
  };
  const deadline = wait(DEADLINE_MS);
  const first = await Promise.race([running, deadline.promise]);
  deadline.cancel();
  if (first !== null) return first;
  onDeadline();
  proxy.calm();
  const grace = wait(GRACE_MS);
  const second = await Promise.race([running, grace.promise]);
  grace.cancel();
  return second ?? { result: null, elapsedMs: performance.now() - started };
}

/** A stack frame line: `    at fn (file:1:2)`, `    at file:1:2`, `    at new X (<anonymous>)`. */
const STACK_LINE = /^\s+at .*(:\d+:\d+\)?|\(native\)|<anonymous>\)?)$|^ {4}at \S/m;

async function runSchedule(registry: Registry, schedule: Schedule): Promise<ScheduleReport> {
  const seeded = await seed(registry, schedule);
  const before = await snapshot(registry, seeded);
  const proxy = await FaultProxy.start({
    upstream: registry.url,
    plan: (index) => schedule.faults[index] ?? null,
    ...(registry.authorization === null ? {} : { alternateAuthorization: registry.authorization }),
  });
  const violations: Violation[] = [];
  const add = (kind: string, detail: string): void => {
    violations.push({ kind, detail });
  };
  // The seeded state is the test's own: if it is not what a client must see, the test is broken.
  if (before.attached.size !== seeded.artifacts.length) {
    throw new Error(
      `seed ${schedule.seed}: seeding attached ${before.attached.size}, wanted ${seeded.artifacts.length}`,
    );
  }
  const image = `${proxy.host}/${seeded.repo}:v1`;
  const { args, targets } = commandArgs(schedule, image, seeded);
  const credentials =
    registry.username === null ? [] : ['--registry-username', registry.username, '--registry-password-stdin'];
  const bounded = await runBounded(
    [...args, ...credentials],
    registry.password === null ? {} : { stdin: `${registry.password}\n` },
    proxy,
    () => add('deadline', `still running after ${DEADLINE_MS / 1000} s (stalls cut, faults stopped then)`),
  );
  await proxy.close();
  const log = proxy.describeLog();
  const applied = proxy.log.flatMap((e) =>
    e.fault === 'none' || e.fault.includes(': clean]') ? [] : [e.fault.replace(/[( ].*$/, '')],
  );
  const redirected = proxy.log.filter((e) => e.origin === 'alternate').length;
  const stats = { applied, redirected };
  if (bounded.error !== undefined) {
    add('uncaught-exception', `run() rejected: ${(bounded.error as Error).stack ?? String(bounded.error)}`);
  }
  if (bounded.result === null) {
    if (bounded.error === undefined) add('hang', `no exit ${GRACE_MS / 1000} s after the deadline either`);
    return { schedule, violations, elapsedMs: bounded.elapsedMs, code: null, log, stderr: '', ...stats };
  }
  const result = bounded.result;
  if (![0, 1, 2].includes(result.code)) add('exit-status', `exit ${result.code}`);
  if (schedule.shortTimeout && requestTimeoutFlag && bounded.elapsedMs > SHORT_TIMEOUT_BOUND_MS) {
    add(
      'request-timeout-exceeded',
      `--request-timeout 5s, but it took ${(bounded.elapsedMs / 1000).toFixed(1)} s (bound ${SHORT_TIMEOUT_BOUND_MS / 1000} s)`,
    );
  }
  for (const [stream, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    const line = STACK_LINE.exec(text)?.[0];
    if (line !== undefined) add('stack-trace', `${stream}: ${line.trim()}`);
    const secrets = [registry.password, registry.authorization?.slice('Basic '.length)].filter(
      (s): s is string => s !== null && s !== undefined,
    );
    for (const secret of secrets)
      if (text.includes(secret)) add('secret-in-output', `${stream} contains a secret`);
  }
  for (const leak of proxy.leaks) add('authorization-crossed-redirect', leak);

  const written = writtenThroughProxy(proxy);
  // Digests the command printed may be manifests (HEAD them) or blobs (docker-registry answers a
  // manifest HEAD of a blob digest with 500): blobs are checked as blobs.
  const blobs = new Set([...seeded.blobs, ...written.blobs, attachSpecDigest, sha256('{}')]);
  const printed = digestsIn(`${result.stdout}\n${result.stderr}`).filter((d) => !blobs.has(d));
  const previousIndex = before.fallback === null ? [] : [before.fallback.digest];
  const after = await snapshot(
    registry,
    seeded,
    [...written.manifests, ...printed, ...previousIndex],
    written.blobs,
  );
  violations.push(
    ...(await checkOutcome({ schedule, registry, seeded, before, after, result, proxy, targets })),
  );
  return {
    schedule,
    violations,
    elapsedMs: bounded.elapsedMs,
    code: result.code,
    log,
    stderr: result.stderr,
    ...stats,
  };
}

/** runSchedule, with a failure of the test's own machinery reported as such (the other schedules go on). */
async function guarded(registry: Registry, schedule: Schedule): Promise<ScheduleReport> {
  try {
    return await runSchedule(registry, schedule);
  } catch (error) {
    return {
      schedule,
      violations: [{ kind: 'test-infrastructure', detail: (error as Error).stack ?? String(error) }],
      elapsedMs: 0,
      code: null,
      log: [],
      stderr: '',
      applied: [],
      redirected: 0,
    };
  }
}

async function pool<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return results;
}

/** The report: violations grouped by kind, each with the seed that reproduces it. */
function summarize(title: string, reports: readonly ScheduleReport[]): string {
  const byKind = new Map<string, { report: ScheduleReport; violation: Violation }[]>();
  for (const report of reports) {
    for (const violation of report.violations) {
      const list = byKind.get(violation.kind) ?? [];
      list.push({ report, violation });
      byKind.set(violation.kind, list);
    }
  }
  const codes = new Map<string, number>();
  for (const r of reports) codes.set(String(r.code), (codes.get(String(r.code)) ?? 0) + 1);
  const slowest = [...reports].sort((a, b) => b.elapsedMs - a.elapsedMs)[0];
  const lines = [
    `${title}: ${reports.length} schedules (base seed ${BASE_SEED}), exits ${[...codes].map(([c, n]) => `${c}×${n}`).join(' ')}, ` +
      `slowest ${((slowest?.elapsedMs ?? 0) / 1000).toFixed(1)} s (seed ${slowest?.schedule.seed}), ` +
      `--request-timeout ${requestTimeoutFlag ? 'passed (5s) to stalled schedules' : 'not available'}; ` +
      `${reports.reduce((n, r) => n + r.violations.length, 0)} violations in ${reports.filter((r) => r.violations.length > 0).length} schedules`,
  ];
  const applied = new Map<string, number>();
  for (const kind of reports.flatMap((r) => r.applied)) applied.set(kind, (applied.get(kind) ?? 0) + 1);
  lines.push(
    `  faults applied: ${[...applied]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}×${n}`)
      .join(' ')}; requests on the redirect origin: ${reports.reduce((n, r) => n + r.redirected, 0)}`,
  );
  for (const [kind, list] of [...byKind].sort((a, b) => b[1].length - a[1].length)) {
    lines.push(
      `\n== ${kind}: ${list.length} (reproduce: NFD_FAULT_SEEDS=${[...new Set(list.map((x) => x.report.schedule.seed))].slice(0, 8).join(',')})`,
    );
    for (const [i, { report, violation }] of list.entries()) {
      if (i >= 6 && !VERBOSE) {
        lines.push(`   … ${list.length - i} more`);
        break;
      }
      lines.push(
        `  - seed ${report.schedule.seed} ${report.schedule.op}/${report.schedule.registry} exit ${report.code} in ${(report.elapsedMs / 1000).toFixed(1)} s: ${violation.detail}`,
      );
      if (i === 0 || VERBOSE) {
        lines.push(`      ${describeSchedule(report.schedule, report.log.length)}`);
        lines.push(...report.log.map((l) => `      | ${l}`));
        const stderr = report.stderr.trim().split('\n').slice(0, 4);
        if (stderr.length > 0 && stderr[0] !== '')
          lines.push(...stderr.map((l) => `      stderr: ${l.slice(0, 400)}`));
      }
    }
  }
  return lines.join('\n');
}

/** Prints a summary (and appends it to $NFD_FAULT_REPORT when set). */
function report(summary: string): void {
  process.stdout.write(`${summary}\n`);
  const file = process.env.NFD_FAULT_REPORT;
  if (file !== undefined && file !== '') appendFileSync(file, `${summary}\n\n`);
}

function schedulesOf(kind: RegistryKind | null, group: Group): Schedule[] {
  return SCHEDULES.filter((s) => s.group === group && (kind === null || s.registry === kind));
}

const TITLES: Record<RegistryKind, string> = {
  plain: 'docker-registry (tag-schema fallback)',
  basic: 'docker-registry with htpasswd Basic auth',
  olareg: 'olareg (referrers API)',
};

describe(
  'attach/list/validate/remove-spec through a fault-injecting proxy',
  skipUnless(dockerRegistryMissing),
  () => {
    for (const kind of REGISTRY_KINDS) {
      const schedules = schedulesOf(kind, 'main');
      it(`${TITLES[kind]}: ${schedules.length} seeded fault schedules, 0 violations`, {
        ...skipUnless(missingRegistry(kind)),
        concurrent: true,
        timeout: 30 * 60_000,
      }, async ({ expect, skip }) => {
        if (schedules.length === 0) skip('no schedule of this registry selected (NFD_FAULT_SEEDS)');
        const registry = registries.started.get(kind) as Registry;
        const reports = await pool(schedules, CONCURRENCY, (s) => guarded(registry, s));
        const summary = summarize(TITLES[kind], reports);
        report(summary);
        expect(reports.flatMap((r) => r.violations).length, summary).toBe(0);
      });
    }

    const stalled = schedulesOf(null, 'stall');
    it(`stalled bodies: ${stalled.length} seeded schedules finish within ${DEADLINE_MS / 1000} s, 0 violations`, {
      concurrent: true,
      timeout: 30 * 60_000,
    }, async ({ expect, skip }) => {
      const runnable = stalled.filter((s) => registries.started.has(s.registry));
      if (runnable.length === 0) skip('no stalled-body schedule selected, or their registries are missing');
      const reports = await pool(runnable, runnable.length, (s) =>
        guarded(registries.started.get(s.registry) as Registry, s),
      );
      const summary = summarize('stalled bodies', reports);
      report(summary);
      expect(reports.flatMap((r) => r.violations).length, summary).toBe(0);
    });
  },
);
