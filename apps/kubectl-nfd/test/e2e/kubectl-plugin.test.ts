import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { findPeer, missingPeer } from '../../../../test/support/peers.ts';
import { skipUnless } from '../../../../test/support/skip.ts';

const bin = fileURLToPath(new URL('../../bin/kubectl-nfd', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const version: string = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).version;

const kubectlBin = findPeer('kubectl') ?? 'kubectl';
const noKubectl = missingPeer('kubectl');

let pluginDir = '';
beforeAll(() => {
  // The plugin is put on PATH as a user would, through a directory of its own.
  pluginDir = mkdtempSync(join(tmpdir(), 'kubectl-nfd-'));
  symlinkSync(bin, join(pluginDir, 'kubectl-nfd'));
  symlinkSync(
    fileURLToPath(new URL('../../bin/kubectl_complete-nfd', import.meta.url)),
    join(pluginDir, 'kubectl_complete-nfd'),
  );
});

/** `kubectl nfd …` through the real kubectl binary, which finds the plugin on PATH and execs it. */
function kubectl(args: string[]) {
  const result = spawnSync(kubectlBin, args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${pluginDir}:${process.env.PATH}`, NO_COLOR: '1', KUBECONFIG: '/dev/null' },
  });
  if (result.error !== undefined)
    throw new Error(`cannot run kubectl (it must be on PATH): ${result.error.message}`);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('kubectl nfd (through the real kubectl)', skipUnless(noKubectl), () => {
  it('is discovered by kubectl as a plugin', () => {
    const list = kubectl(['plugin', 'list']);
    expect(list.stdout).toContain(join(pluginDir, 'kubectl-nfd'));
  });

  it('exit 0: help says "kubectl nfd" in usage lines, and --version is bare', () => {
    const help = kubectl(['nfd', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: kubectl nfd \[options\] \[command\]/);
    expect(help.stdout).not.toContain('kubectl-nfd');
    const nested = kubectl(['nfd', 'help', 'compat', 'validate-spec']);
    expect(nested.stdout).toMatch(/^Usage: kubectl nfd compat validate-spec \[options\]/);
    expect(kubectl(['nfd', '--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('exit 0 and 1 pass through kubectl: a valid and an invalid spec', () => {
    expect(
      kubectl(['nfd', 'compat', 'validate-spec', '--spec', 'examples/image-compatibility.yaml']).code,
    ).toBe(0);
    const invalid = kubectl(['nfd', 'compat', 'validate-spec', '--spec', 'examples/invalid-spec.yaml']);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain('examples/invalid-spec.yaml: invalid');
  });

  it('exit 2: a usage error', () => {
    const result = kubectl(['nfd', 'compat', 'validate-spec', '--spec', 'x.yaml', '--nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("(run 'kubectl nfd compat validate-spec --help' for usage)");
  });

  it('lists the same commands as nfd', () => {
    const names = (help: string) => {
      const section = help.split(/^Commands:\n/m)[1]?.split(/\n\n/)[0] ?? '';
      return [...section.matchAll(/^ {2}([a-z-]+)/gm)].map((match) => match[1]);
    };
    const nfd = spawnSync(fileURLToPath(new URL('../../../cli/bin/nfd', import.meta.url)), ['--help'], {
      encoding: 'utf8',
    });
    expect(names(kubectl(['nfd', '--help']).stdout)).toEqual(names(nfd.stdout));
    expect(names(nfd.stdout)).toContain('compat');
  });

  it('completes through kubectl_complete-nfd (kubectl 1.26+ plugin completion)', () => {
    const commands = kubectl(['__complete', 'nfd', 'comp']);
    expect(commands.code).toBe(0);
    expect(commands.stdout).toMatch(/^compat\t.*\ncompletion\t.*\n:4\n$/);
    const flags = kubectl(['__complete', 'nfd', 'compat', 'list-specs', '--ima']);
    expect(flags.stdout.split('\n')[0]).toMatch(/^--image\t/);
  });
});
