import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { skipUnless } from '../../../../test/support/skip.ts';

const bin = fileURLToPath(new URL('../../bin/nfd', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const version: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

/** Runs the built bin as a user would, from the repo root, without colour. */
function nfd(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; node?: string } = {}) {
  const command = options.node ?? bin;
  const argv = options.node === undefined ? args : [bin, ...args];
  const result = spawnSync(command, argv, {
    cwd: repo,
    input: options.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('nfd (built bin)', () => {
  it('exit 0: prints its version and help', () => {
    expect(nfd(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    const help = nfd(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: nfd \[options\] \[command\]/);
    expect(nfd(['help', 'compat']).stdout).toMatch(/^Usage: nfd compat \[options\] \[command\]/);
  });

  it('exit 0: accepts the bundled example spec', () => {
    const result = nfd(['compat', 'validate-spec', '--spec', 'examples/image-compatibility.yaml']);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      'examples/image-compatibility.yaml: valid image compatibility spec (v1alpha1: 2 compatibility sets, 5 rules)\n',
    );
    expect(result.code).toBe(0);
  });

  it("exit 0: the bundled node meets the bundled spec; JSON is upstream's report", () => {
    const args = ['compat', 'validate-node', '--spec', 'examples/image-compatibility.yaml'];
    const table = nfd([...args, '--features', 'examples/gpu-node.nodefeature.json']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('Compatible: 2 of 2 compatibility sets match this node.');
    const json = nfd([...args, '--features', 'examples/gpu-node.nodefeature.json', '--output-json']);
    const report = JSON.parse(json.stdout);
    expect(report.map((set: { tag: string }) => set.tag)).toEqual(['preferred', 'fallback']);
  });

  it('exit 1: rejects the bundled invalid example with located errors on stdout', () => {
    const result = nfd(['compat', 'validate-spec', '--spec', 'examples/invalid-spec.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^examples\/invalid-spec\.yaml:6:13: error: compatibilities\[0\]\.weight: /m,
    );
    expect(result.stdout).toMatch(
      /^examples\/invalid-spec\.yaml:11:13: error: .*did you mean "matchExpressions"/m,
    );
    expect(result.stdout).toMatch(/\nexamples\/invalid-spec\.yaml: invalid \(\d+ errors?\)\n$/);
  });

  it('exit 1: JSON output is one parsable document ending in a newline', () => {
    const result = nfd(['compat', 'validate-spec', '--spec', '-', '-o', 'json'], { input: 'version: v2\n' });
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.errors.length).toBeGreaterThan(0);
    expect(result.stdout.endsWith('\n')).toBe(true);
  });

  it('exit 2: usage errors and unreadable files go to stderr', () => {
    const usage = nfd(['compat', 'validate-spec', '--spec', 'x.yaml', '--bogus']);
    expect(usage.code).toBe(2);
    expect(usage.stdout).toBe('');
    expect(usage.stderr).toContain("error: unknown option '--bogus'");
    const missing = nfd(['compat', 'validate-spec', '--spec', 'no/such.yaml']);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: cannot read no/such.yaml: no such file\n',
    });
  });

  const systemNode = '/usr/bin/node';
  const systemVersion = (() => {
    try {
      return execFileSync(systemNode, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  })();
  const old = systemVersion !== undefined && Number(systemVersion.slice(1).split('.')[0]) < 22;
  it(
    `runs under an old system Node (${systemVersion ?? 'none'}) by relaunching on the workspace Node`,
    skipUnless(
      !old && `the system Node (/usr/bin/node) is not older than 22 (${systemVersion ?? 'not installed'})`,
    ),
    () => {
      expect(nfd(['--version'], { node: systemNode })).toEqual({
        code: 0,
        stdout: `${version}\n`,
        stderr: '',
      });
      const invalid = nfd(['compat', 'validate-spec', '--spec', 'examples/invalid-spec.yaml'], {
        node: systemNode,
      });
      expect(invalid.code).toBe(1);
    },
  );
});

describe('nfd compat validate-spec on the seed documents', () => {
  const seeds = fileURLToPath(new URL('../../../../packages/spec/test/fixtures/seeds/', import.meta.url));
  it.each(['002-blog-spec.yaml', '003-docs-spec.yaml', '004-kep-spec.yaml'])('accepts %s', (file) => {
    const result = nfd(['compat', 'validate-spec', '--spec', `${seeds}${file}`]);
    expect(result.stdout).toContain(': valid image compatibility spec (v1alpha1: ');
    expect(result.code).toBe(0);
    // The seeds test `vfio-pci` on kernel.loadedmodule, which /proc/modules spells vfio_pci.
    expect(result.stderr).toMatch(
      /warning: .*matchExpressions\["vfio-pci"\]: \/proc\/modules lists `vfio_pci`/,
    );
  });
});
