// Debian's docker-registry for the e2e tests of the built bins: started on a free loopback port in
// a temp dir (optionally with htpasswd Basic auth), with raw-HTTP helpers that push a tiny image.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPeer } from '../../../../test/support/peers.ts';
import { freePort } from '../../../../test/support/processes.ts';

export interface StartedRegistry {
  /** `127.0.0.1:PORT`. */
  readonly host: string;
  /** The temp dir holding config and storage. */
  readonly dir: string;
  /** Pushes a tiny single-layer image to repository:tag; returns its manifest digest. */
  pushImage(repository: string, tag: string): Promise<string>;
  stop(): void;
}

export const sha256 = (bytes: Uint8Array | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Starts docker-registry (plain HTTP, deletes enabled); `auth` adds htpasswd Basic auth for one user. */
export async function startRegistry(auth?: {
  readonly username: string;
  readonly password: string;
}): Promise<StartedRegistry> {
  const registryBin = findPeer('docker-registry');
  if (registryBin === null) throw new Error('docker-registry is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'nfd-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  let authConfig = '';
  const headers: Record<string, string> = {};
  if (auth !== undefined) {
    const htpasswd = findPeer('htpasswd');
    if (htpasswd === null) throw new Error('htpasswd is not installed');
    writeFileSync(
      join(dir, 'htpasswd'),
      execFileSync(htpasswd, ['-Bbn', auth.username, auth.password], { encoding: 'utf8' }),
    );
    authConfig = `auth:\n  htpasswd:\n    realm: nfd-test\n    path: ${dir}/htpasswd\n`;
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  }
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${dir}/data\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n${authConfig}`,
  );
  const server: ChildProcess = spawn(registryBin, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const pushBlob = async (repository: string, bytes: Uint8Array): Promise<string> => {
    const digest = sha256(bytes);
    const start = await fetch(`http://${host}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
    const location = new URL(start.headers.get('location') ?? '', `http://${host}`);
    location.searchParams.set('digest', digest);
    const put = await fetch(location, {
      method: 'PUT',
      body: bytes,
      headers: { ...headers, 'content-type': 'application/octet-stream' },
    });
    if (put.status !== 201) throw new Error(`blob upload: ${put.status}`);
    return digest;
  };
  const pushImage = async (repository: string, tag: string): Promise<string> => {
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
      headers: { ...headers, 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    if (put.status !== 201) throw new Error(`manifest push: ${put.status}`);
    return sha256(manifest);
  };
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://${host}/v2/`).then(
      (r) => r.status === 200 || r.status === 401,
      () => false,
    );
    if (ok) return { host, dir, pushImage, stop: () => server.kill() };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  server.kill();
  throw new Error('docker-registry did not become ready');
}
