import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPeer, missingPeer } from '../../../../test/support/peers.ts';
import { skipUnless } from '../../../../test/support/skip.ts';

// The image commands of the built bin against Debian's docker-registry (no referrers API: the
// tag-schema fallback), started here on a free loopback port. scripts/test-peers.sh installs it
// (.ci/run runs that); where it is missing the tests are skipped with the reason (which fails CI).

const bin = fileURLToPath(new URL('../../bin/nfd', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const registryBin = findPeer('docker-registry') ?? '';
const missing = missingPeer('docker-registry');

let server: ChildProcess | undefined;
let host = '';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

const sha256 = (bytes: Uint8Array | string) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function pushBlob(repository: string, bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes);
  const start = await fetch(`http://${host}/v2/${repository}/blobs/uploads/`, { method: 'POST' });
  const location = new URL(start.headers.get('location') ?? '', `http://${host}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    body: bytes,
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (put.status !== 201) throw new Error(`blob upload: ${put.status}`);
  return digest;
}

/** A tiny single-layer image at repository:tag; returns its manifest digest. */
async function pushImage(repository: string, tag: string): Promise<string> {
  const config = new TextEncoder().encode(
    '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}',
  );
  const layer = new TextEncoder().encode(`layer of ${repository}:${tag}`);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: await pushBlob(repository, config),
      size: config.length,
    },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: await pushBlob(repository, layer),
        size: layer.length,
      },
    ],
  });
  const put = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
    method: 'PUT',
    body: manifest,
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  });
  if (put.status !== 201) throw new Error(`manifest push: ${put.status}`);
  return sha256(manifest);
}

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
  const dir = mkdtempSync(join(tmpdir(), 'nfd-registry-'));
  const port = await freePort();
  host = `127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n`,
  );
  server = spawn(registryBin, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://${host}/v2/`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('docker-registry did not become ready');
});

afterAll(() => {
  server?.kill();
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
