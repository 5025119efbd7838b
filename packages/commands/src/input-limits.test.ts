import { existsSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { aliasBomb, nested } from '../../../test/support/fuzz-inputs.ts';
import { run } from '../test/host.ts';
import { formatSize, parseSize } from './input-limits.ts';

// Input limits (issue 15): a spec or rule file over 4 MiB and a NodeFeature file over 64 MiB are
// refused in one line naming the file, the limit and the flag that raises it, after reading at most
// one byte past the limit (a 48 MB spec aborted Node with an exhausted heap); hostile YAML is a
// located error of the loaders, whatever the command.

const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'nfd-input-limits-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (args: string[], stdin?: string) =>
  run(args, { cwd: dir, ...(stdin === undefined ? {} : { stdin }) });

const validSpec = readFileSync(join(fixtures, 'valid-spec.yaml'), 'utf8');
const rule = join(fixtures, 'nodefeaturerule.yaml');
const nodeFeature = join(fixtures, 'nodefeature.yaml');
const MiB = 2 ** 20;

/** A valid spec of `bytes` bytes: the fixture and a comment that fills it up. */
function bigSpec(name: string, bytes: number): string {
  const padding = bytes - validSpec.length - 3;
  writeFileSync(join(dir, name), `${validSpec}# ${'x'.repeat(padding)}\n`);
  return name;
}

describe('sizes', () => {
  it('reads bytes and Kubernetes quantities', () => {
    expect(parseSize('4Mi')).toBe(4 * MiB);
    expect(parseSize('64Mi')).toBe(64 * MiB);
    expect(parseSize('1Gi')).toBe(2 ** 30);
    expect(parseSize('1.5Ki')).toBe(1536);
    expect(parseSize('10M')).toBe(10_000_000);
    expect(parseSize('1e6')).toBe(1_000_000);
    expect(parseSize('4096')).toBe(4096);
    for (const bad of ['', 'abc', '0', '-1', '4MiB', '4 Mi', '1e3Mi', 'Mi', '1e400'])
      expect(() => parseSize(bad), bad).toThrow(/expected a size|at least 1 byte|too large/);
  });

  it('writes a limit as the flag takes it', () => {
    expect(formatSize(4 * MiB)).toBe('4Mi');
    expect(formatSize(2 ** 30)).toBe('1Gi');
    expect(formatSize(1536)).toBe('1536 bytes');
    expect(formatSize(3 * 1024)).toBe('3Ki');
  });
});

describe('--max-spec-size', () => {
  it('a spec over 4 MiB is refused at once, in one line; the flag raises the limit', async () => {
    const name = bigSpec('big-spec.yaml', 4 * MiB + 1);
    const started = performance.now();
    const refused = await at(['compat', 'attach-spec', '--image', 'oci:./layout:1.0', '--spec', name]);
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: cannot read ${name}: it is larger than 4Mi, the limit for spec and rule files; --max-spec-size raises it\n`,
    });
    expect(performance.now() - started).toBeLessThan(2000);
    const exactly = bigSpec('exact-spec.yaml', 4 * MiB);
    expect(readFileSync(join(dir, exactly)).length).toBe(4 * MiB);
    // validate-spec reads the spec the same way, with the same flag.
    expect((await at(['compat', 'validate-spec', '--spec', exactly])).code).toBe(0);
    expect((await at(['compat', 'validate-spec', '--spec', name])).stderr).toBe(
      `error: cannot read ${name}: it is larger than 4Mi, the limit for spec and rule files; --max-spec-size raises it\n`,
    );
    expect((await at(['compat', 'validate-spec', '--spec', name, '--max-spec-size', '5Mi'])).code).toBe(0);
  });

  it('a 48 MB spec (a sparse file) is refused without being read', async () => {
    const name = 'huge-spec.yaml';
    writeFileSync(join(dir, name), '');
    truncateSync(join(dir, name), 48_000_000);
    const before = process.memoryUsage.rss();
    const result = await at(['validate', '-f', name]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `error: cannot read ${name}: it is larger than 4Mi, the limit for spec and rule files; --max-spec-size raises it\n`,
    );
    expect(process.memoryUsage.rss() - before).toBeLessThan(40_000_000);
  });

  it('a device or a stream over the limit is read only to one byte past it', async () => {
    if (existsSync('/dev/zero')) {
      const result = await at(['validate', '-f', '/dev/zero', '--max-spec-size', '64Ki']);
      expect(result.stderr).toBe(
        'error: cannot read /dev/zero: it is larger than 64Ki, the limit for spec and rule files; --max-spec-size raises it\n',
      );
    }
    const stdin = await at(['validate', '-f', '-', '--max-spec-size', '1Ki'], `# ${'x'.repeat(1024)}\n`);
    expect(stdin.stderr).toBe(
      'error: cannot read standard input: it is larger than 1Ki, the limit for spec and rule files; --max-spec-size raises it\n',
    );
  });

  it('applies to rule files: validate, dryrun (a clean "no"), test', async () => {
    writeFileSync(join(dir, 'rule.yaml'), readFileSync(rule));
    const limit = ['--max-spec-size', '100'];
    const message =
      'cannot read rule.yaml: it is larger than 100 bytes, the limit for spec and rule files; --max-spec-size raises it';
    expect(await at(['validate', '-f', 'rule.yaml', ...limit])).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: ${message}\n`,
    });
    const dryrun = await at(['dryrun', '-f', 'rule.yaml', '-n', nodeFeature, ...limit]);
    expect(dryrun.code).toBe(1);
    expect(dryrun.stdout).toContain(`***\tErrors\t***\n${message}\n`);
    expect(await at(['test', '-f', 'rule.yaml', '--host-root', dir, ...limit])).toMatchObject({
      code: 2,
      stderr: `error: ${message}\n`,
    });
    expect((await at(['validate', '-f', 'rule.yaml', '--max-spec-size', '2Ki'])).code).toBe(0);
  });

  it('is a usage error when it is no size', async () => {
    const result = await at(['validate', '-f', 'rule.yaml', '--max-spec-size', '4MB']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("error: option '--max-spec-size <size>' argument '4MB' is invalid.");
  });
});

describe('--max-nodefeature-size', () => {
  it('a NodeFeature file over the limit is refused, naming the flag', async () => {
    const result = await at(['dryrun', '-f', rule, '-n', nodeFeature, '--max-nodefeature-size', '512']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      `cannot read ${nodeFeature}: it is larger than 512 bytes, the limit for NodeFeature files; --max-nodefeature-size raises it`,
    );
    const raised = await at(['dryrun', '-f', rule, '-n', nodeFeature, '--max-nodefeature-size', '64Mi']);
    expect(raised.code).toBe(0);
  });
});

describe('hostile YAML through the commands', () => {
  const write = (name: string, text: string): string => {
    writeFileSync(join(dir, name), text);
    return name;
  };
  const ruleHead = 'apiVersion: nfd.k8s-sigs.io/v1alpha1\nkind: NodeFeatureRule\nmetadata: { name: r }\n';

  it('1,000 levels of nesting: a located error (validate-spec, validate-node, dryrun, validate)', async () => {
    const spec = write('deep-spec.yaml', `version: v1alpha1\ncompatibilities: ${nested(1000, 'flow-seq')}\n`);
    const located = `${spec}:2:273: nested deeper than 256 levels (the limit for YAML and JSON input)`;
    const strict = await at(['compat', 'validate-spec', '--spec', spec]);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toContain(`${spec}:2:273: error: nested deeper than 256 levels`);
    expect(await at(['compat', 'validate-node', '--spec', spec, '--features', nodeFeature])).toEqual({
      code: 2,
      stdout: '',
      stderr: `error: ${located}\n`,
    });
    const rules = write('deep-rule.yaml', `${ruleHead}spec:\n  rules: ${nested(1000, 'flow-map')}\n`);
    const dryrun = await at(['dryrun', '-f', rules, '-n', nodeFeature]);
    expect(dryrun.code).toBe(1);
    expect(dryrun.stdout).toMatch(/deep-rule\.yaml:5:\d+: nested deeper than 256 levels/);
    expect((await at(['validate', '-f', rules])).stdout).toMatch(
      /deep-rule\.yaml:5:\d+: error: nested deeper than 256/,
    );
  });

  it('a billion laughs: a located error, at once', async () => {
    const started = performance.now();
    const spec = write('bomb-spec.yaml', `version: v1alpha1\n${aliasBomb(9, 9)}compatibilities: *l9\n`);
    const node = await at(['compat', 'validate-node', '--spec', spec, '--features', nodeFeature]);
    expect(node.code).toBe(2);
    expect(node.stderr).toMatch(
      /^error: bomb-spec\.yaml:5:\d+: alias \*l2: the document contains excessive aliasing/,
    );
    const strict = await at(['compat', 'validate-spec', '--spec', spec]);
    expect(strict.stdout).toMatch(
      /bomb-spec\.yaml:\d+:\d+: error: alias \*l\d: more than 100 aliases resolved/,
    );
    const features = write(
      'bomb-nodefeature.yaml',
      `kind: NodeFeature\nspec:\n  features:\n${aliasBomb(9, 9).trimEnd().replace(/^/gm, '    ')}\n    flags: *l9\n`,
    );
    expect((await at(['dryrun', '-f', rule, '-n', features])).stdout).toMatch(
      /bomb-nodefeature\.yaml:\d+:\d+: alias \*l\d: the document contains excessive aliasing/,
    );
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('an unresolved alias and a bad merge key: located errors', async () => {
    const spec = write('alias-spec.yaml', 'version: v1alpha1\ncompatibilities: *sets\n');
    expect((await at(['compat', 'validate-spec', '--spec', spec])).stdout).toContain(
      `${spec}:2:18: error: invalid YAML: unknown anchor 'sets' referenced`,
    );
    expect((await at(['compat', 'validate-node', '--spec', spec, '--features', nodeFeature])).stderr).toBe(
      `error: ${spec}:2:18: invalid YAML: unknown anchor 'sets' referenced\n`,
    );
    const merge = write('merge-rule.yaml', `${ruleHead}list: &l [1]\nspec:\n  <<: *l\n`);
    expect((await at(['dryrun', '-f', merge, '-n', nodeFeature])).stdout).toContain(
      `${merge}:6:3: invalid YAML: map merge requires map or sequence of maps as the value`,
    );
    const merge11 = write('merge-spec.yaml', '%YAML 1.1\n---\nversion: v1alpha1\nlist: &l [1]\n<<: *l\n');
    expect((await at(['compat', 'validate-spec', '--spec', merge11])).stdout).toContain(
      `${merge11}:5:1: error: invalid YAML: merge key << takes a mapping, an alias of one, or a list of them`,
    );
  });
});
