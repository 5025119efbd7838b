// Times this checkout's `nfd` against upstream NFD's Go binaries on the same generated inputs, in
// one run, interleaved (not part of CI: Go is for test peers only, and the upstream binaries stay
// outside the repository):
//
//   node bench/compare-speed.ts [UPSTREAM_BIN_DIR] [--runs N] [--inputs DIR]
//
// UPSTREAM_BIN_DIR holds `nfd` and `kubectl-nfd` built from upstream's source
// (`go build -o DIR ./cmd/nfd ./cmd/kubectl-nfd`); without it only the cases that have a floor of
// their own run (`node -e 0`, a smaller input). Each case runs N times (default 5) per side, the
// sides alternating; every run goes through /usr/bin/time (peak RSS, wall) inside bash (whose `times` gives user+system CPU in ms). The
// exit statuses of the two sides must agree (speed never changes a verdict), else the case is
// marked DIFF. Prints a Markdown table of medians and the ratios the speed issue's acceptance is
// written in; BENCHMARKS.md quotes it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ours = join(here, '..', 'apps', 'cli', 'bin', 'nfd');

let upstreamDir: string | undefined;
let runs = 5;
let inputs: string | undefined;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const arg = args[i] ?? '';
  if (arg === '--runs') runs = Number(args[++i]);
  else if (arg === '--inputs') inputs = args[++i];
  else if (upstreamDir === undefined && !arg.startsWith('-')) upstreamDir = arg;
  else {
    process.stderr.write('usage: node bench/compare-speed.ts [UPSTREAM_BIN_DIR] [--runs N] [--inputs DIR]\n');
    process.exit(2);
  }
}
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('--runs wants a positive integer\n');
  process.exit(2);
}
if (!existsSync('/usr/bin/time')) {
  process.stderr.write('needs /usr/bin/time (apt-get install time)\n');
  process.exit(2);
}
for (const bin of ['nfd', 'kubectl-nfd']) {
  if (upstreamDir !== undefined && !existsSync(join(upstreamDir, bin))) {
    process.stderr.write(`${join(upstreamDir, bin)}: no such file\n`);
    process.exit(2);
  }
}
if (!existsSync(join(here, '..', 'apps', 'cli', 'dist', 'main.mjs'))) {
  process.stderr.write('build the CLI first: pnpm build\n');
  process.exit(2);
}

const scratch = mkdtempSync(join(tmpdir(), 'nfd-speed-'));
const dir = inputs ?? join(scratch, 'inputs');
if (inputs === undefined) {
  const made = spawnSync(process.execPath, [join(here, 'make-inputs.ts'), dir], { stdio: 'inherit' });
  if (made.status !== 0) process.exit(2);
}
const input = (name: string): string => join(dir, name);

interface Sample {
  cpu: number;
  rss: number;
  wall: number;
  code: number;
}

/**
 * One run of ARGV: CPU seconds, peak RSS in MiB, wall seconds, exit code. /usr/bin/time gives
 * the peak RSS, the wall time and the exit status, but prints CPU in 10 ms steps (a cold start is
 * 10-30 ms), so CPU comes from bash's `times` (its children: time(1), about 1 ms, and ARGV), which
 * prints milliseconds.
 */
function measure(argv: readonly string[]): Sample {
  const report = join(scratch, 'time.txt');
  const script = '/usr/bin/time -q -f "%M %e %x" -o "$0" "$@" >/dev/null 2>&1; times';
  const result = spawnSync('bash', ['-c', script, report, ...argv], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, NO_COLOR: '1', PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
    maxBuffer: 1 << 20,
  });
  if (result.error !== undefined) throw result.error;
  const fields = readFileSync(report, 'utf8').trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
  const [rssKiB = Number.NaN, wall = Number.NaN, code = Number.NaN] = fields;
  // `times` prints the shell's user and system time, then its children's: "0m0.012s 0m0.004s".
  const children = result.stdout.toString('utf8').trim().split('\n').at(-1) ?? '';
  const cpu = children
    .split(' ')
    .map((field) => /^(\d+)m([\d.]+)s$/.exec(field))
    .reduce((sum, m) => sum + (m === null ? Number.NaN : Number(m[1]) * 60 + Number(m[2])), 0);
  return { cpu, rss: rssKiB / 1024, wall, code };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

interface Summary {
  cpu: number;
  rss: number;
  wall: number;
  codes: string;
}

function summarise(samples: Sample[]): Summary {
  return {
    cpu: median(samples.map((s) => s.cpu)),
    rss: median(samples.map((s) => s.rss)),
    wall: median(samples.map((s) => s.wall)),
    codes: [...new Set(samples.map((s) => s.code))].join('/'),
  };
}

/** Runs each side `runs` times, alternating, after one unmeasured warm-up run of each. */
function compare(sides: readonly (readonly string[])[]): Summary[] {
  for (const argv of sides) measure(argv);
  const samples: Sample[][] = sides.map(() => []);
  for (let i = 0; i < runs; i++) {
    sides.forEach((argv, side) => {
      samples[side]?.push(measure(argv));
    });
  }
  return samples.map(summarise);
}

const node = process.execPath;
// The bin runs as a user runs it (its shebang's flags apply), on this Node (first on PATH).
const nfd = (...rest: string[]): string[] => [ours, ...rest];
const upstream = (bin: string, ...rest: string[]): string[] =>
  upstreamDir === undefined ? [] : [join(upstreamDir, bin), ...rest];

interface Case {
  work: string;
  ours: string[];
  floor: string[];
  floorName: string;
  target: string;
  /** The floor is another program giving the same verdict (upstream), not a smaller input. */
  sameVerdict: boolean;
}

/** A command both tools have, with the same arguments: nfd-ts against upstream's `bin`. */
const sideBySide = (work: string, bin: string, args: string[], target: string): Case => ({
  work,
  ours: nfd(...args),
  floor: upstream(bin, ...args),
  floorName: 'upstream',
  target,
  sameVerdict: true,
});

const validateNode = (features: string): string[] =>
  nfd('compat', 'validate-node', '--spec', input('spec-20x3.yaml'), '--features', input(features));

const cases: Case[] = [
  {
    work: '`nfd --version`',
    ours: nfd('--version'),
    floor: [node, '-e', '0'],
    floorName: '`node -e 0`',
    target: '≤ 2.0× CPU',
    sameVerdict: false,
  },
  sideBySide('`nfd export features` (this host)', 'nfd', ['export', 'features'], '≤ 3.0× CPU'),
  sideBySide(
    '`dryrun` 1,000 rules × 20,000-element NodeFeature',
    'kubectl-nfd',
    ['dryrun', '-f', input('rules-1000.yaml'), '-n', input('nodefeature-20k.json')],
    '≤ 1.0× CPU, ≤ 2.0× RSS',
  ),
  sideBySide(
    '`dryrun` 1,000 rules × 20,000-element NodeFeature (YAML)',
    'kubectl-nfd',
    ['dryrun', '-f', input('rules-1000.yaml'), '-n', input('nodefeature-20k.yaml')],
    '—',
  ),
  sideBySide(
    '`validate -f` 10,000 rules',
    'kubectl-nfd',
    ['validate', '-f', input('rules-10000.yaml')],
    '≤ 1.0× CPU',
  ),
  sideBySide(
    '`validate -f` 10,000 rules, 1,000 with errors',
    'kubectl-nfd',
    ['validate', '-f', input('rules-10000-errors.yaml')],
    '—',
  ),
  {
    work: '`compat validate-node --features` 200,000 elements',
    ours: validateNode('nodefeature-200k.json'),
    floor: validateNode('nodefeature-20k.json'),
    floorName: 'the same on 20,000 elements',
    target: '≤ 12× CPU',
    sameVerdict: false,
  },
];

const fmt = (n: number, digits = 3): string => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const rows: string[] = [
  `Node ${process.versions.node}, ${runs} runs per side, medians; CPU = user + system seconds; RSS = peak MiB.`,
  '',
  '| work | nfd-ts CPU s | floor CPU s | CPU ratio | nfd-ts RSS | floor RSS | RSS ratio | floor | target | exits |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
let diffs = 0;
for (const c of cases) {
  if (c.floor.length === 0) {
    process.stderr.write(`skipped (no upstream binaries given): ${c.work}\n`);
    continue;
  }
  process.stderr.write(`measuring: ${c.work}\n`);
  const [mine, floor] = compare([c.ours, c.floor]);
  if (mine === undefined || floor === undefined) continue;
  const agree = !c.sameVerdict || mine.codes === floor.codes;
  if (!agree) diffs++;
  rows.push(
    `| ${c.work} | ${fmt(mine.cpu)} | ${fmt(floor.cpu)} | ${fmt(mine.cpu / floor.cpu, 2)}× | ${fmt(mine.rss, 0)} | ${fmt(floor.rss, 0)} | ${fmt(mine.rss / floor.rss, 2)}× | ${c.floorName} | ${c.target} | ${mine.codes} / ${floor.codes}${agree ? '' : ' DIFF'} |`,
  );
}
process.stdout.write(`${rows.join('\n')}\n`);
rmSync(scratch, { recursive: true, force: true });
process.exitCode = diffs === 0 ? 0 : 1;
