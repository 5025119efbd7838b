import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FUZZ_SEED,
  mutated,
  nodeFeatureObject,
  ruleObject,
  runsFor,
  specObject,
  structured,
  unlocatedLine,
} from '../../../../test/support/fuzz-inputs.ts';
import { run } from '../host.ts';

// Mutated and generated files through the command tree (in-process, as the binaries run it): every
// run exits 0, 1 or 2, prints no stack trace, and every rejection names the file and, where the
// text has a position, its line:col. NFD_FUZZ_CLI_RUNS sets the number of runs (default 2,000);
// NFD_FUZZ_SEED the seed, as for the loader suites.

const RUNS = runsFor(1, Number(process.env.NFD_FUZZ_CLI_RUNS ?? 2000));
const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const fixture = (name: string): string => readFileSync(join(fixtures, name), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'nfd-cli-fuzz-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILE = 'input.yaml';
const NODE_FEATURE = join(fixtures, 'nodefeature.yaml');
const RULE = join(fixtures, 'nodefeaturerule.yaml');
const SPEC = join(fixtures, 'valid-spec.yaml');

type Kind = 'spec' | 'rule' | 'nodefeature';

const SEEDS: Record<Kind, string[]> = {
  spec: [
    'valid-spec.yaml',
    'compat-spec.yaml',
    'cluster-spec.yaml',
    'warning-spec.yaml',
    'invalid-spec.yaml',
  ].map(fixture),
  rule: ['nodefeaturerule.yaml', 'nodefeaturegroup.yaml', 'invalid-rule.yaml'].map(fixture),
  nodefeature: [fixture('nodefeature.yaml')],
};
const OBJECTS: Record<Kind, fc.Arbitrary<unknown>> = {
  spec: specObject,
  rule: ruleObject,
  nodefeature: nodeFeatureObject,
};

/** The commands that read each kind of file, the others fixed (and valid). */
const COMMANDS: Record<Kind, ((file: string) => string[])[]> = {
  spec: [
    (f) => ['compat', 'validate-spec', '--spec', f],
    (f) => ['compat', 'validate-node', '--spec', f, '--features', NODE_FEATURE],
  ],
  rule: [(f) => ['validate', '-f', f], (f) => ['dryrun', '-f', f, '-n', NODE_FEATURE]],
  nodefeature: [
    (f) => ['dryrun', '-f', RULE, '-n', f],
    (f) => ['compat', 'validate-node', '--spec', SPEC, '--features', f],
  ],
};

const input = fc
  .tuple(fc.constantFrom<Kind>('spec', 'rule', 'nodefeature'), fc.nat(), fc.boolean())
  .chain(([kind, command, json]) =>
    fc
      .oneof(
        { weight: 3, arbitrary: mutated(SEEDS[kind]) },
        { weight: 1, arbitrary: structured(OBJECTS[kind]) },
      )
      .map((text) => {
        const commands = COMMANDS[kind];
        const args = (commands[command % commands.length] as (file: string) => string[])(FILE);
        return { text, args: json ? [...args, '-o', 'json'] : args };
      }),
  );

const STACK_LINE = /^\s+at \S/m;

/** Why a run's output breaks the rules, or undefined. */
function problem(
  args: readonly string[],
  text: string,
  result: { code: number; stdout: string; stderr: string },
): string | undefined {
  if (![0, 1, 2].includes(result.code)) return `exit ${result.code}`;
  if (STACK_LINE.test(result.stderr) || STACK_LINE.test(result.stdout)) return 'a stack trace';
  // error: lines on stderr, with the message's further lines (until a hint or another line kind).
  // A rule that fails to evaluate (`error: rule "r": …`, as upstream's validate-node fails) is a
  // verdict on a file that loaded, as in dryrun's errors section: named by rule, not located.
  let inError = false;
  for (const line of result.stderr.split('\n')) {
    if (line.startsWith('error: rule "')) inError = false;
    else if (line.startsWith('error: ')) inError = true;
    else if (line === '' || /^(hint|warning): /.test(line)) inError = false;
    if (!inError) continue;
    const why = unlocatedLine(line.replace(/^error: /, ''), FILE, text);
    if (why !== undefined) return `stderr ${why}`;
  }
  if (args.includes('json')) return undefined;
  const lines = result.stdout.split('\n');
  // validate / validate-spec: each issue line is file:line:col: error: … (code frames are indented).
  for (const line of lines)
    if (/^\S.*: error: /.test(line) && !/^input\.yaml:\d+:\d+: error: /.test(line))
      return `stdout issue not located: ${line}`;
  // dryrun: when no rule ran, the errors section is the rejection of a file; once rules ran it holds
  // their results (a rule's evaluation error, an invalid output, as upstream prints them), of which
  // a rule that did not decode is located.
  const start = lines.indexOf('***\tErrors\t***');
  if (start >= 0) {
    const rejected = !lines.some((line) => line.startsWith('Processing rule:'));
    for (const line of lines.slice(start + 1)) {
      if (/^NodeFeature(Rule|Group) "/.test(line) || line === '') break;
      if (line.startsWith('hint: ')) continue;
      if (!rejected) {
        if (line.includes('cannot decode the rule') && !/\(input\.yaml:\d+:\d+\)/.test(line))
          return `rule decoding error not located: ${line}`;
        continue;
      }
      const why = unlocatedLine(line, FILE, text);
      if (why !== undefined) return `dryrun error ${why}`;
    }
  }
  return undefined;
}

describe('the command tree on hostile files', () => {
  it(`exits 0, 1 or 2 without a stack trace, every rejection located, on ${RUNS.toLocaleString('en-US')} runs`, async () => {
    const codes = [0, 0, 0];
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(input, async ({ text, args }) => {
        writeFileSync(join(dir, FILE), text);
        const started = performance.now();
        const result = await run([...args], { cwd: dir });
        slowest = Math.max(slowest, performance.now() - started);
        const why = problem(args, text, result);
        if (why !== undefined)
          throw new Error(
            `${args.join(' ')}: ${why}\n--- stdout ---\n${result.stdout.slice(0, 2000)}\n--- stderr ---\n${result.stderr.slice(0, 2000)}\n--- ${FILE} ---\n${text.slice(0, 2000)}`,
          );
        codes[result.code] = (codes[result.code] ?? 0) + 1;
      }),
      { seed: FUZZ_SEED, numRuns: RUNS },
    );
    process.stdout.write(
      `command tree: ${RUNS} runs, exit 0/1/2: ${codes.join('/')}; slowest run ${slowest.toFixed(0)} ms (seed ${FUZZ_SEED})\n`,
    );
    expect(slowest).toBeLessThan(20_000);
  }, 600_000);
});
