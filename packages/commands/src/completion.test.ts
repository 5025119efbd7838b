import { describe, expect, it } from 'vitest';
import { run } from '../test/host.ts';

const complete = (...words: string[]) => run(['__complete', ...words]);

describe('shell completion (cobra __complete protocol)', () => {
  it('offers the top-level commands with descriptions, no files', async () => {
    const result = await complete('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe(':4');
    expect(lines.map((line) => line.split('\t')[0])).toEqual(
      expect.arrayContaining(['validate', 'dryrun', 'compat', 'export', 'completion']),
    );
    expect(lines).not.toContain('__complete');
  });

  it('completes nested commands by prefix', async () => {
    expect((await complete('compat', 'validate-')).stdout).toMatch(
      /^validate-spec\t.*\nvalidate-node\t.*\n(validate-cluster\t.*\n)?:4\n$/,
    );
  });

  it('completes flags of the command and its parents, never acting on them', async () => {
    const result = await complete('compat', 'attach-spec', '--ima');
    expect(result.stdout).toBe(
      '--image\tthe image (registry reference, or oci:DIR:tag for an OCI layout)\n:4\n',
    );
    expect((await complete('--vers')).stdout).toBe('--version\tprint the version\n:4\n');
  });

  it('completes the choices of an option value, and files for a free value', async () => {
    expect((await complete('compat', 'validate-spec', '-o', '')).stdout).toBe('text\njson\nyaml\n:4\n');
    expect((await complete('compat', 'validate-spec', '--spec', '')).stdout).toBe(':0\n');
  });

  it('prints completion scripts for bash, zsh and fish, and refuses other shells', async () => {
    const bash = await run(['completion', 'bash']);
    expect(bash.code).toBe(0);
    expect(bash.stdout).toContain('complete -F _nfd_completion nfd');
    expect(bash.stdout).toContain('nfd __complete');
    expect((await run(['completion', 'zsh'])).stdout).toMatch(/^#compdef nfd\n/);
    expect((await run(['completion', 'fish'])).stdout).toContain('complete -c nfd -f -a');
    const bad = await run(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unsupported shell "tcsh"');
  });
});
