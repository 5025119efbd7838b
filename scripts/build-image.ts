// The container image `compat job` runs (and anyone can): an OCI image index for linux/amd64 and
// linux/arm64, written as an OCI image layout, with no container daemon or builder:
//
//   node scripts/build-image.ts --bin DIR --out DIR [--rootfs-cache DIR]
//
// Each platform's image is one layer: a Debian trixie file system holding only libc6, libstdc++6
// and libgcc-s1 (mmdebstrap --variant=extract; cached per architecture), the single executable
// from --bin (nfd-linux-<arch>) at /usr/local/bin/nfd, its third-party notices, and a non-root
// user 65532 (`nonroot`) with its home and /tmp. The image runs as 65532:65532 with the CLI as its
// entrypoint. The same inputs give the same digests: entries sorted, times set to
// SOURCE_DATE_EPOCH (default 0), owners root (nonroot's home 65532), gzip without a time stamp, no
// creation date. Containerfile builds the same image with a builder; a test checks they agree.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type TarEntry as Entry, tar } from './tar.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { bin: { type: 'string' }, out: { type: 'string' }, 'rootfs-cache': { type: 'string' } },
});
if (values.bin === undefined || values.out === undefined) {
  process.stderr.write('usage: node scripts/build-image.ts --bin DIR --out DIR [--rootfs-cache DIR]\n');
  process.exit(2);
}
const bin = resolve(values.bin);
const out = resolve(values.out);
const cache = resolve(values['rootfs-cache'] ?? join(root, '.release-cache', 'rootfs'));
const epoch = Number(process.env.SOURCE_DATE_EPOCH ?? 0);

const PLATFORMS = ['amd64', 'arm64'] as const;
/** The Debian packages of the image's file system (the executable's only dependencies). */
const PACKAGES = ['libc6', 'libstdc++6', 'libgcc-s1'];
const USER = 65532;

function fail(message: string): never {
  process.stderr.write(`build-image: ${message}\n`);
  process.exit(2);
}

/** The file system of `arch`, unpacked once into the cache (Debian's merged /usr links added). */
function rootfs(arch: string): string {
  const fs = join(cache, arch);
  try {
    statSync(join(fs, '.complete'));
    return fs;
  } catch {
    rmSync(fs, { recursive: true, force: true });
  }
  mkdirSync(dirname(fs), { recursive: true });
  const result = spawnSync(
    'mmdebstrap',
    [
      '--quiet',
      '--variant=extract',
      `--architectures=${arch}`,
      `--include=${PACKAGES.join(',')}`,
      'trixie',
      fs,
      'http://deb.debian.org/debian',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] },
  );
  if (result.status !== 0)
    fail(
      `mmdebstrap for ${arch} failed (apt-get install mmdebstrap): ${result.stderr?.trim() ?? result.error?.message}`,
    );
  const exists = (path: string): boolean => {
    try {
      lstatSync(path);
      return true;
    } catch {
      return false;
    }
  };
  for (const dir of ['bin', 'sbin', 'lib', 'lib64'])
    if (exists(join(fs, 'usr', dir)) && !exists(join(fs, dir)))
      process.getBuiltinModule('node:fs').symlinkSync(`usr/${dir}`, join(fs, dir));
  writeFileSync(join(fs, '.complete'), '');
  return fs;
}

/** Every entry under `dir`, as `prefix/…`, without the cache's marker and apt's leftovers. */
function walk(dir: string, prefix = ''): Entry[] {
  const entries: Entry[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (prefix === '' && name === '.complete') continue;
    const path = join(dir, name);
    const inside = prefix === '' ? name : `${prefix}/${name}`;
    if (/^var\/(cache|lib)\/apt(\/|$)/.test(inside) || /^var\/log\//.test(inside)) continue;
    const stat = lstatSync(path);
    if (stat.isSymbolicLink())
      entries.push({ path: inside, type: 'link', mode: 0o777, target: readlinkSync(path) });
    else if (stat.isDirectory()) {
      entries.push({ path: inside, type: 'dir', mode: stat.mode & 0o7777 });
      entries.push(...walk(path, inside));
    } else if (stat.isFile())
      entries.push({ path: inside, type: 'file', mode: stat.mode & 0o7777, data: readFileSync(path) });
  }
  return entries;
}

const sha256 = (bytes: Buffer | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

function writeBlob(bytes: Buffer | string): { digest: string; size: number } {
  const digest = sha256(bytes);
  const file = join(out, 'blobs', 'sha256', digest.slice('sha256:'.length));
  writeFileSync(file, bytes);
  return { digest, size: Buffer.byteLength(bytes) };
}

const pkg = JSON.parse(readFileSync(join(root, 'apps', 'cli', 'package.json'), 'utf8')) as {
  version: string;
};
const rootPkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  repository: { url: string };
};
const source = rootPkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'blobs', 'sha256'), { recursive: true });
const manifests: object[] = [];
for (const arch of PLATFORMS) {
  const fs = rootfs(arch);
  const entries = walk(fs).filter(
    (entry) => !['etc/passwd', 'etc/group', 'tmp', 'home'].includes(entry.path),
  );
  const passwd = `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${USER}:${USER}:nonroot:/home/nonroot:/sbin/nologin\n`;
  const group = `root:x:0:\nnonroot:x:${USER}:\n`;
  entries.push(
    { path: 'etc/passwd', type: 'file', mode: 0o644, data: Buffer.from(passwd) },
    { path: 'etc/group', type: 'file', mode: 0o644, data: Buffer.from(group) },
    { path: 'tmp', type: 'dir', mode: 0o1777 },
    { path: 'home', type: 'dir', mode: 0o755 },
    { path: 'home/nonroot', type: 'dir', mode: 0o700, uid: USER },
    { path: 'usr/local', type: 'dir', mode: 0o755 },
    { path: 'usr/local/bin', type: 'dir', mode: 0o755 },
    {
      path: 'usr/local/bin/nfd',
      type: 'file',
      mode: 0o755,
      data: readFileSync(join(bin, `nfd-linux-${arch}`)),
    },
    {
      path: 'usr/share/doc/nfd/THIRD-PARTY-NOTICES',
      type: 'file',
      mode: 0o644,
      data: readFileSync(join(bin, 'THIRD-PARTY-NOTICES')),
    },
    {
      path: 'usr/share/doc/nfd/LICENSE',
      type: 'file',
      mode: 0o644,
      data: readFileSync(join(root, 'LICENSE')),
    },
  );
  for (const dir of ['usr/share', 'usr/share/doc', 'usr/share/doc/nfd'])
    if (!entries.some((entry) => entry.path === dir)) entries.push({ path: dir, type: 'dir', mode: 0o755 });
  const layer = tar(entries, epoch);
  const gzipped = process.getBuiltinModule('node:zlib').gzipSync(layer, { level: 6 });
  const layerBlob = writeBlob(gzipped);
  const config = {
    architecture: arch,
    os: 'linux',
    config: {
      User: `${USER}:${USER}`,
      Entrypoint: ['/usr/local/bin/nfd'],
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin'],
      WorkingDir: '/home/nonroot',
      Labels: {
        'org.opencontainers.image.source': source,
        'org.opencontainers.image.version': pkg.version,
        'org.opencontainers.image.licenses': 'Apache-2.0',
        'org.opencontainers.image.title': 'nfd',
      },
    },
    rootfs: { type: 'layers', diff_ids: [sha256(layer)] },
  };
  const configBlob = writeBlob(JSON.stringify(config));
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layerBlob }],
  });
  manifests.push({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    ...writeBlob(manifest),
    platform: { architecture: arch, os: 'linux' },
  });
}
const index = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests,
});
const indexBlob = writeBlob(index);
writeFileSync(join(out, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
writeFileSync(
  join(out, 'index.json'),
  JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      {
        mediaType: 'application/vnd.oci.image.index.v1+json',
        ...indexBlob,
        annotations: { 'org.opencontainers.image.ref.name': `v${pkg.version}` },
      },
    ],
  }),
);
process.stdout.write(`${indexBlob.digest}\n`);
