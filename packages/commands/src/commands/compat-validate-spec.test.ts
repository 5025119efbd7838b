import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../test/host.ts';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const validate = (file: string, ...rest: string[]) =>
  run(['compat', 'validate-spec', '--spec', file, ...rest], { cwd: fixtures });

describe('compat validate-spec', () => {
  it('accepts a valid spec: exit 0 and a one-line verdict on stdout', async () => {
    const result = await validate('valid-spec.yaml');
    expect(result).toEqual({
      code: 0,
      stdout: 'valid-spec.yaml: valid image compatibility spec (v1alpha1: 2 compatibility sets, 2 rules)\n',
      stderr: '',
    });
  });

  it('rejects an invalid spec: exit 1, every error located on stdout, nothing on stderr', async () => {
    const result = await validate('invalid-spec.yaml');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain(
      'invalid-spec.yaml:7:13: error: compatibilities[0].rules[0].matchFeatures[0].matchExpresions: unknown field "matchExpresions" (did you mean "matchExpressions"?)',
    );
    expect(result.stdout).toMatch(
      /^invalid-spec\.yaml:11:28: error: compatibilities\[0\]\.rules\[0\]\.matchFeatures\[1\]\.matchExpressions\.major\.op: .*"in"/m,
    );
    expect(result.stdout).toContain('  7 |             matchExpresions:\n    |             ^');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('invalid-spec.yaml: invalid (2 errors)');
  });

  it('prints the result as JSON with -o json', async () => {
    const result = await validate('invalid-spec.yaml', '-o', 'json');
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.stdout);
    expect(doc.valid).toBe(false);
    expect(doc.file).toBe('invalid-spec.yaml');
    expect(doc.errors).toHaveLength(2);
    expect(doc.issues[0]).toMatchObject({
      severity: 'error',
      file: 'invalid-spec.yaml',
      line: 7,
      column: 13,
      path: 'compatibilities[0].rules[0].matchFeatures[0].matchExpresions',
    });
    expect(result.stdout.endsWith('}\n')).toBe(true);
  });

  it('prints YAML with -o yaml', async () => {
    const result = await validate('valid-spec.yaml', '-o', 'yaml');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('valid: true\n');
    expect(result.stdout).toContain('summary:\n  version: v1alpha1\n');
  });

  it('keeps warnings from failing the check unless --strict', async () => {
    const relaxed = await validate('warning-spec.yaml');
    expect(relaxed.code).toBe(0);
    expect(relaxed.stdout).toBe(
      'warning-spec.yaml: valid image compatibility spec (v1alpha1: 1 compatibility set, 1 rule)\n',
    );
    expect(relaxed.stderr).toMatch(/^warning-spec\.yaml:8:24: warning: .*matchExpressions\.AVX512F: no op/m);
    const json = JSON.parse((await validate('warning-spec.yaml', '-o', 'json')).stdout);
    expect(json.warnings).toHaveLength(1);
    const strict = await validate('warning-spec.yaml', '--strict');
    expect(strict.code).toBe(1);
  });

  it('reads the spec from stdin with --spec -', async () => {
    const result = await run(['compat', 'validate-spec', '--spec', '-'], {
      stdin:
        'version: v1alpha1\ncompatibilities:\n  - rules: [{name: a, matchFeatures: [{feature: cpu.model}]}]\n',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('-: valid image compatibility spec (v1alpha1: 1 compatibility set, 1 rule)\n');
  });

  it('fails with exit 2 and a message on stderr when the file cannot be read', async () => {
    const result = await validate('missing.yaml');
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: cannot read missing.yaml: no such file\n',
    });
  });

  it('colours text only on a TTY, and never with NO_COLOR', async () => {
    const tty = await run(['compat', 'validate-spec', '--spec', 'invalid-spec.yaml'], {
      cwd: fixtures,
      tty: true,
    });
    expect(tty.stdout).toContain('\u001b[');
    const noColor = await run(['compat', 'validate-spec', '--spec', 'invalid-spec.yaml'], {
      cwd: fixtures,
      tty: true,
      env: { NO_COLOR: '1' },
    });
    expect(noColor.stdout).not.toContain('\u001b[');
    const json = await run(['compat', 'validate-spec', '--spec', 'invalid-spec.yaml', '-o', 'json'], {
      cwd: fixtures,
      tty: true,
    });
    expect(json.stdout).not.toContain('\u001b[');
  });
});
