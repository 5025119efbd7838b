import { describe, expect, it } from 'vitest';
import { commandNames, run } from '../test/host.ts';

describe('the command tree', () => {
  it('prints the bare version on stdout', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, stdout: '1.2.3\n', stderr: '' });
  });

  it('lists the commands in --help, under the name it runs as', async () => {
    const nfd = await run(['--help']);
    expect(nfd.code).toBe(0);
    expect(nfd.stderr).toBe('');
    expect(nfd.stdout).toMatch(/^Usage: nfd \[options\] \[command\]/);
    expect(nfd.stdout).toMatch(/^ {2}compat /m);
    expect(nfd.stdout).toMatch(/^ {2}help \[command\.\.\.\]/m);

    const kube = await run(['--help'], { kube: true });
    expect(kube.stdout).toMatch(/^Usage: kubectl nfd \[options\] \[command\]/);
    expect(kube.stdout).not.toContain('kubectl-nfd');
  });

  it('lists the same commands in both binaries', async () => {
    const nfd = await run(['--help']);
    const kube = await run(['--help'], { kube: true });
    expect(commandNames(kube.stdout)).toEqual(commandNames(nfd.stdout));
    expect(commandNames(nfd.stdout)).toEqual([
      'validate',
      'test',
      'dryrun',
      'compat',
      'export',
      'help',
      'completion',
    ]);
  });

  it('shows help for nested commands with `help`', async () => {
    const result = await run(['help', 'compat', 'validate-spec'], { kube: true });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: kubectl nfd compat validate-spec \[options\]/);
    expect(result.stdout).toContain('kubectl nfd compat validate-spec --spec spec.yaml -o json');
    expect(await run(['compat', 'validate-spec', '--help'], { kube: true })).toEqual(result);
  });

  it('shows the program help for a bare `help`', async () => {
    const result = await run(['help']);
    expect(result).toEqual(await run(['--help']));
  });

  it('refuses help for an unknown command with exit 2', async () => {
    const result = await run(['help', 'compat', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: unknown command "nfd compat nope"\nhint: commands here: attach-spec, remove-spec, list-specs, validate-spec, validate-node, validate-cluster, select-image, job, scheduling\n',
    );
  });

  it('reports an unknown option in one line and a hint, exit 2, without dumping usage', async () => {
    const result = await run(['compat', 'validate-spec', '--spec', 'x.yaml', '--sepc', 'y']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain("error: unknown option '--sepc'");
    expect(result.stderr).toContain("(run 'nfd compat validate-spec --help' for usage)");
    expect(result.stderr).not.toContain('Usage:');
  });

  it('suggests the command meant by a typo, exit 2', async () => {
    const result = await run(['compat', 'validate-spc']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: unknown command 'validate-spc'");
    expect(result.stderr).toContain('(Did you mean validate-spec?)');
  });

  it('treats a missing required option as a usage error', async () => {
    const missing = await run(['compat', 'attach-spec', '--image', 'x']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("error: required option '--spec <file>' not specified");
    const neither = await run(['compat', 'validate-spec']);
    expect(neither).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: give exactly one of --spec FILE and --image REF\n',
    });
  });

  it('rejects an output format it does not know', async () => {
    const result = await run(['compat', 'validate-spec', '--spec', 'x', '-o', 'xml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("option '-o, --output <format>' argument 'xml' is invalid");
  });

  it('rejects extra arguments', async () => {
    const result = await run(['compat', 'validate-spec', '--spec', 'x', 'extra']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('too many arguments');
  });

  it('prints help on stderr and exits 2 when no command is given', async () => {
    const result = await run([]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Usage: nfd /);
  });
});

describe('the command a run loads (cold start)', () => {
  it('names the one command argv runs, so only its module is imported', async () => {
    const { invokedCommand } = await import('./program.ts');
    expect(invokedCommand(['dryrun', '-f', 'r.yaml'])).toEqual(['dryrun']);
    expect(invokedCommand(['--debug', 'compat', 'validate-node', '--spec', 's.yaml'])).toEqual([
      'compat',
      'validate-node',
    ]);
    expect(invokedCommand(['export', 'features'])).toEqual(['export']);
    expect(invokedCommand(['--version'])).toBe('none');
    expect(invokedCommand(['bogus'])).toBe('none');
    for (const args of [
      [],
      ['--help'],
      ['dryrun', '-h'],
      ['help', 'dryrun'],
      ['compat'],
      ['compat', 'nope'],
    ]) {
      expect(invokedCommand(args)).toBeUndefined();
    }
  });

  it('answers the same with the lazy tree as with the whole one', async () => {
    for (const args of [['--version'], ['bogus'], ['dryrun'], ['compat', 'validate-node', '--nope']]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(args[0] === '--version' ? 0 : 2);
      if (args[0] === 'bogus') expect(result.stderr).toContain("unknown command 'bogus'");
      if (args[0] === 'dryrun') expect(result.stderr).toContain('required option');
      if (args[0] === 'compat') expect(result.stderr).toContain("unknown option '--nope'");
    }
  });
});
