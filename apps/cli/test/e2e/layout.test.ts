import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The image commands fully offline, on an OCI image layout directory (oras' --oci-layout).

const bin = fileURLToPath(new URL('../../bin/nfd', import.meta.url));
const repo = fileURLToPath(new URL('../../../../', import.meta.url));

function nfd(args: string[]) {
  const result = spawnSync(bin, args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A layout holding one tiny image tagged `v1`; returns the directory and the image digest. */
function makeLayout(): { dir: string; digest: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nfd-layout-'));
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  const put = (bytes: string): string => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(dir, 'blobs', 'sha256', hex), bytes);
    return `sha256:${hex}`;
  };
  const config = '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}';
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      digest: put(config),
      size: config.length,
    },
    layers: [],
  });
  const digest = put(manifest);
  writeFileSync(join(dir, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest,
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': 'v1' },
        },
      ],
    }),
  );
  return { dir, digest };
}

describe('image commands on an OCI layout (offline)', () => {
  it('attach, list, validate-node and remove with oci:DIR:tag and --oci-layout', () => {
    const { dir, digest } = makeLayout();
    const attached = nfd([
      'compat',
      'attach-spec',
      '--image',
      `oci:${dir}:v1`,
      '--spec',
      'examples/container-runtime.yaml',
    ]);
    expect(attached.code).toBe(0);
    const artifact = attached.stdout.trim();
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
    expect(index.manifests.map((m: { digest: string }) => m.digest)).toContain(artifact);

    const listed = JSON.parse(
      nfd(['compat', 'list-specs', '--oci-layout', dir, '--image', 'v1', '-o', 'json']).stdout,
    );
    expect(listed.subject.digest).toBe(digest);
    expect(listed.specs.map((s: { digest: string }) => s.digest)).toEqual([artifact]);

    const report = nfd(['compat', 'validate-node', '--image', `oci:${dir}@${digest}`, '--output-json']);
    expect(report.stdout).toBe(
      nfd(['compat', 'validate-node', '--spec', 'examples/container-runtime.yaml', '--output-json']).stdout,
    );

    expect(nfd(['compat', 'remove-spec', '--image', `oci:${dir}:v1`])).toEqual({
      code: 0,
      stdout: `${artifact}\n`,
      stderr: '',
    });
    expect(
      JSON.parse(nfd(['compat', 'list-specs', '--image', `oci:${dir}:v1`, '-o', 'json']).stdout).specs,
    ).toEqual([]);
  });

  it('says what is wrong with a directory that is not a layout', () => {
    const result = nfd(['compat', 'list-specs', '--image', `oci:${tmpdir()}/nfd-no-such-layout:v1`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: /);
  });
});
