import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingPeer } from '../../../../test/support/peers.ts';
import { skipUnless } from '../../../../test/support/skip.ts';
import { type StartedRegistry, startRegistry } from './registry-peer.ts';

// The image commands of the built bin against Debian's docker-registry (no referrers API: the
// tag-schema fallback), started here on a free loopback port. scripts/test-peers.sh installs it
// (.ci/run runs that); where it is missing the tests are skipped with the reason (which fails CI).

const bin = fileURLToPath(new URL('../../bin/nfd', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const missing = missingPeer('docker-registry');

let registry: StartedRegistry | undefined;
let host = '';
const pushImage = (repository: string, tag: string): Promise<string> => {
  if (registry === undefined) throw new Error('no registry');
  return registry.pushImage(repository, tag);
};

function nfd(args: string[], input = '') {
  const result = spawnSync(bin, args, {
    cwd: repo,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  if (missing !== false) return;
  registry = await startRegistry();
  host = registry.host;
});

afterAll(() => {
  registry?.stop();
});

describe('image commands against docker-registry (tag-schema fallback)', skipUnless(missing), () => {
  const spec = 'examples/container-runtime.yaml';

  it('attach → list → validate-spec → validate-node → remove, exit statuses as documented', async () => {
    const subject = await pushImage('e2e/app', 'v1');
    const image = `${host}/e2e/app:v1`;
    const attached = nfd(['compat', 'attach-spec', '--image', image, '--spec', spec, '--plain-http']);
    expect(attached.stderr).toBe('');
    expect(attached.code).toBe(0);
    const digest = attached.stdout.trim();
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const listed = JSON.parse(
      nfd(['compat', 'list-specs', '--image', image, '--plain-http', '-o', 'json']).stdout,
    );
    expect(listed.subject.digest).toBe(subject);
    expect(listed.specs.map((s: { digest: string }) => s.digest)).toEqual([digest]);

    const checked = nfd(['compat', 'validate-spec', '--image', image, '--plain-http']);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toBe(
      `${image}@${digest}: valid image compatibility spec (v1alpha1: 2 compatibility sets, 3 rules)\n`,
    );

    const fromImage = nfd(['compat', 'validate-node', '--image', image, '--plain-http', '--output-json']);
    const fromFile = nfd(['compat', 'validate-node', '--spec', spec, '--output-json']);
    expect(fromImage.stdout).toBe(fromFile.stdout);
    expect(fromImage.code).toBe(fromFile.code);

    const removed = nfd(['compat', 'remove-spec', '--image', image, '--plain-http']);
    expect(removed).toEqual({ code: 0, stdout: `${digest}\n`, stderr: '' });
    const gone = nfd(['compat', 'validate-node', '--image', image, '--plain-http']);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`error: no compatibility spec attached to ${image}`);
  });

  it('refuses an invalid spec before pushing anything', async () => {
    await pushImage('e2e/bad', 'v1');
    const result = nfd([
      'compat',
      'attach-spec',
      '--image',
      `${host}/e2e/bad:v1`,
      '--spec',
      'examples/invalid-spec.yaml',
      '--plain-http',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('examples/invalid-spec.yaml is not a valid spec; nothing was attached');
    expect(
      JSON.parse(
        nfd(['compat', 'list-specs', '--image', `${host}/e2e/bad:v1`, '--plain-http', '-o', 'json']).stdout,
      ).specs,
    ).toEqual([]);
  });

  it('asks for --yes before removing several specs, and select-image ranks a build matrix', async () => {
    await pushImage('e2e/matrix', 'optimized');
    await pushImage('e2e/matrix', 'generic');
    await pushImage('e2e/matrix', 'bare');
    const optimized = `${host}/e2e/matrix:optimized`;
    const generic = `${host}/e2e/matrix:generic`;
    nfd(['compat', 'attach-spec', '--image', optimized, '--spec', spec, '--plain-http']);
    nfd([
      'compat',
      'attach-spec',
      '--image',
      optimized,
      '--spec',
      spec,
      '--plain-http',
      '--annotation',
      'note=second',
    ]);
    nfd([
      'compat',
      'attach-spec',
      '--image',
      generic,
      '--spec',
      'examples/image-compatibility.yaml',
      '--plain-http',
    ]);
    const refused = nfd(['compat', 'remove-spec', '--image', optimized, '--plain-http']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('2 compatibility specs are attached');

    const selected = nfd([
      'compat',
      'select-image',
      '--image',
      generic,
      '--image',
      `${host}/e2e/matrix:bare`,
      '--image',
      optimized,
      '--features',
      'examples/gpu-node.nodefeature.json',
      '--plain-http',
      '-o',
      'json',
    ]);
    const result = JSON.parse(selected.stdout);
    // The GPU node meets both specs; the optimized image's best set weighs 10, the generic one's 10 too,
    // so input order decides between them; the image without a spec comes last.
    expect(result.images.map((i: { image: string }) => i.image)).toEqual([
      generic,
      optimized,
      `${host}/e2e/matrix:bare`,
    ]);
    expect(result.images[2]).toEqual({
      image: `${host}/e2e/matrix:bare`,
      digest: null,
      compatible: false,
      bestSet: null,
      error: 'no compatibility spec',
    });
    expect(result.best).toBe(generic);
    expect(selected.code).toBe(0);
    expect(
      nfd(['compat', 'remove-spec', '--image', optimized, '--plain-http', '--yes']).stdout.trim().split('\n'),
    ).toHaveLength(2);
  });

  it('reports a missing image and a registry that is not there as errors (exit 2)', () => {
    const missingImage = nfd(['compat', 'list-specs', '--image', `${host}/e2e/nope:v1`, '--plain-http']);
    expect(missingImage.code).toBe(2);
    expect(missingImage.stderr).toMatch(/^error: /);
    const down = nfd(['compat', 'list-specs', '--image', '127.0.0.1:1/x:v1', '--plain-http']);
    expect(down.code).toBe(2);
  });
});
