import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeer } from '../../../../test/support/peers.ts';
import { skipUnless } from '../../../../test/support/skip.ts';
import { type StartedRegistry, startRegistry } from './registry-peer.ts';

// The built bin against docker-registry with htpasswd Basic auth: a secret given once on stdin
// serves every registry call of the command (issue 15: select-image with two images read stdin once
// and sent an empty password for the second).

const bin = fileURLToPath(new URL('../../bin/nfd', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const missing = missingPeer('docker-registry') || missingPeer('htpasswd');
const username = 'nfd';
const password = 'correct horse battery staple';

let registry: StartedRegistry | undefined;

function nfd(args: string[], input = '') {
  const result = spawnSync(bin, args, {
    cwd: repo,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  if (missing === false) registry = await startRegistry({ username, password });
});

afterAll(() => registry?.stop());

describe('registry credentials from stdin (docker-registry, htpasswd)', skipUnless(missing), () => {
  const login = ['--plain-http', '--registry-username', username, '--registry-password-stdin'];

  it('select-image with two images uses the one password for both', async () => {
    const host = registry?.host ?? '';
    await registry?.pushImage('auth/app', 'v1');
    await registry?.pushImage('auth/app', 'v2');
    for (const tag of ['v1', 'v2']) {
      const attach = nfd(
        [
          'compat',
          'attach-spec',
          '--image',
          `${host}/auth/app:${tag}`,
          '--spec',
          'examples/container-runtime.yaml',
          ...login,
        ],
        `${password}\n`,
      );
      expect(attach.stderr).toBe('');
      expect(attach.code).toBe(0);
    }
    const select = nfd(
      [
        'compat',
        'select-image',
        '--image',
        `${host}/auth/app:v1`,
        '--image',
        `${host}/auth/app:v2`,
        '--features',
        'examples/gpu-node.nodefeature.json',
        '-o',
        'json',
        ...login,
      ],
      `${password}\n`,
    );
    expect(select.stderr).not.toContain('rejected');
    expect([0, 1]).toContain(select.code);
    const result = JSON.parse(select.stdout) as { images: { image: string; error?: string }[] };
    expect(result.images.map((image) => image.error)).toEqual([undefined, undefined]);
    expect(select.stdout + select.stderr).not.toContain(password);
  });

  it('a wrong password is rejected naming the source, never echoing the secret', () => {
    const host = registry?.host ?? '';
    const list = nfd(['compat', 'list-specs', '--image', `${host}/auth/app:v1`, ...login], 'wrong-secret\n');
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('--registry-username/--registry-password-stdin were rejected');
    expect(list.stderr).not.toContain('wrong-secret');
  });
});
