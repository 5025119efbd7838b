import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPeer } from '../../../test/support/peers.ts';
import { skipUnless } from '../../../test/support/skip.ts';

// The release command's npm side, as a user gets it: `scripts/release-build.ts` packs every
// publishable package (the apps' and libraries' builds are this run's), and each tarball is
// installed with plain npm into an empty project, as someone without the repository would.
// The libraries' own dependencies (zod, yaml, undici, re2js) come from the npm registry.

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'nfd-release-'));
const node = process.execPath;
const tsc = join(repo, 'node_modules/.bin/tsc');
/** The @types/node range of the workspace's catalog (pnpm-workspace.yaml). */
const TYPES_NODE =
  /"@types\/node": (\S+)/.exec(readFileSync(join(repo, 'pnpm-workspace.yaml'), 'utf8'))?.[1] ?? '24';
/**
 * A PATH whose `node` is this Node (the bins' shebang asks for `node`), and the machine's CA
 * certificates for npm (see test/support/hermetic-env.ts).
 */
const env = {
  ...process.env,
  PATH: `${dirname(node)}:${process.env.PATH ?? ''}`,
  NO_COLOR: '1',
  ...(process.env.NFD_TEST_NODE_EXTRA_CA_CERTS === undefined
    ? {}
    : { NODE_EXTRA_CA_CERTS: process.env.NFD_TEST_NODE_EXTRA_CA_CERTS }),
};

let tarballs: string[] = [];
const tarball = (name: string): string => {
  const file = tarballs.find((candidate) =>
    candidate.startsWith(`${name.replace('@', '').replace('/', '-')}-`),
  );
  if (file === undefined) throw new Error(`no tarball of ${name} in ${tarballs.join(', ')}`);
  return join(out, 'npm', file);
};

function sh(
  command: string,
  args: string[],
  cwd: string,
): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * npm as the user runs it: the machine's own npm and Node (PATH without the workspace's
 * node_modules/.bin), so its global npmrc (registry, CA file) applies.
 */
const userPath = (process.env.PATH ?? '')
  .split(':')
  .filter((dir) => !dir.includes('node_modules') && !dir.includes('/.npm/_npx/'))
  .join(':');
function npm(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npm', args, {
    cwd,
    env: { ...env, PATH: userPath },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** tsc over `files` in `dir` (strict, Node's module resolution, the given @types), its output. */
function typeCheck(dir: string, files: string[], types: string[]): string {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        module: 'nodenext',
        target: 'es2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types,
      },
      files,
    }),
  );
  const typed = sh(tsc, ['-p', '.'], dir);
  return `${typed.stdout}${typed.stderr}${typed.code === 0 ? '' : `(exit ${typed.code})`}`;
}

/** An empty ESM project with these tarballs installed by npm. */
function project(files: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'nfd-try-'));
  writeFileSync(join(dir, 'package.json'), '{ "name": "try", "private": true, "type": "module" }\n');
  const installed = npm(
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      '--fetch-retries=1',
      '--fetch-timeout=60000',
      ...files,
    ],
    dir,
  );
  if (installed.code !== 0) throw new Error(`npm install failed:\n${installed.stderr}`);
  return dir;
}

beforeAll(() => {
  // Under `pnpm test` the script packs with the pnpm that runs the tests; run alone, with the
  // pinned pnpm through npx (as the user's npm runs it).
  const built = spawnSync(node, [join(repo, 'scripts/release-build.ts'), '--out', out, '--skip-build'], {
    cwd: repo,
    env: { ...env, PATH: userPath },
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (built.status !== 0) throw new Error(`release-build failed:\n${built.stderr}`);
  tarballs = readdirSync(join(out, 'npm'));
}, 120_000);

describe('the release command', () => {
  it('packs every publishable package, builds both executables, and SHA256SUMS lists each with its digest', () => {
    expect(tarballs.sort()).toEqual(
      ['cli', 'feature-sources', 'kubectl-nfd', 'matcher', 'oci-artifact', 'report', 'spec'].map(
        (name) => `nfd-${name}-0.1.0.tgz`,
      ),
    );
    const sums = readFileSync(join(out, 'SHA256SUMS'), 'utf8').trim().split('\n');
    expect(sums.map((line) => line.split('  ')[1])).toEqual([
      'bin/THIRD-PARTY-NOTICES',
      'bin/nfd-linux-amd64',
      'bin/nfd-linux-arm64',
      ...sums.map((line) => line.split('  ')[1] ?? '').filter((file) => file.startsWith('image/')),
      'krew/kubectl-nfd-v0.1.0-linux-amd64.tar.gz',
      'krew/kubectl-nfd-v0.1.0-linux-arm64.tar.gz',
      'krew/nfd.yaml',
      ...tarballs.map((file) => `npm/${file}`),
    ]);
    expect(sums.some((line) => line.endsWith('  image/index.json'))).toBe(true);
    for (const line of sums) {
      const [digest, file] = line.split('  ');
      expect(
        createHash('sha256')
          .update(readFileSync(join(out, file ?? '')))
          .digest('hex'),
      ).toBe(digest);
    }
  });

  it('installs both apps from their tarballs alone (no dependency to fetch), and they run', () => {
    const dir = project([tarball('@nfd/cli'), tarball('@nfd/kubectl-nfd')]);
    const version = sh('npm', ['exec', '--', 'nfd', '--version'], dir);
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n', stderr: '' });
    const help = sh('npm', ['exec', '--', 'kubectl-nfd', '--help'], dir);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: kubectl nfd');
    const spec = join(repo, 'examples/container-runtime.yaml');
    const valid = sh(join(dir, 'node_modules/.bin/nfd'), ['compat', 'validate-spec', '--spec', spec], dir);
    expect(valid).toMatchObject({ code: 0, stderr: '' });
  }, 240_000);

  describe.each([
    [
      '@nfd/spec',
      [],
      "import { NfdError, parseGoYaml } from '@nfd/spec';\nimport { NfdError as Alone } from '@nfd/spec/errors';\nconst parsed = parseGoYaml('a: yes');\nconsole.log(parsed.ok && Alone === NfdError);",
    ],
    [
      '@nfd/matcher',
      ['@nfd/spec'],
      "import { indexFeatures } from '@nfd/matcher';\nconst index = indexFeatures({ flags: {}, attributes: {}, instances: {} });\nconsole.log(typeof index === 'object');",
    ],
    [
      '@nfd/feature-sources',
      ['@nfd/spec'],
      "import { DEFAULT_SOURCES } from '@nfd/feature-sources';\nconsole.log(DEFAULT_SOURCES.length > 0);",
    ],
    [
      '@nfd/oci-artifact',
      ['@nfd/spec'],
      "import { parseImageReference } from '@nfd/oci-artifact';\nconsole.log(parseImageReference('registry.example/app:1').repository === 'app');",
    ],
    [
      '@nfd/report',
      ['@nfd/spec', '@nfd/matcher'],
      "import * as report from '@nfd/report';\nimport { createStyler } from '@nfd/report/style';\nconsole.log(Object.keys(report).length > 0 && createStyler === report.createStyler);",
    ],
  ] as const)('%s', (name, deps, code) => {
    it('installs into an empty ESM project with npm, imports alone, and its types check', () => {
      const dir = project([tarball(name), ...deps.map(tarball)]);
      writeFileSync(join(dir, 'try.ts'), `${code}\n`);
      writeFileSync(join(dir, 'try.mjs'), `${code}\n`);
      expect(sh(node, ['try.mjs'], dir)).toMatchObject({ code: 0, stdout: 'true\n', stderr: '' });
      // No `types`: the package's declarations must bring the Node types they use themselves.
      expect(typeCheck(dir, ['try.ts'], [])).toBe('');
    }, 240_000);
  });

  it('every published package says the same licence, repository, engines and Node range as the launcher', () => {
    const launcher = readFileSync(join(repo, 'packages/commands/src/launcher.ts'), 'utf8');
    const supported = /export const SUPPORTED_NODE = '([^']+)'/.exec(launcher)?.[1];
    const rootManifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
    expect(rootManifest.engines.node).toBe(supported);
    const license = readFileSync(join(repo, 'LICENSE'), 'utf8');
    expect(license).toContain('Apache License\n                           Version 2.0, January 2004');
    for (const dir of [
      'packages/spec',
      'packages/matcher',
      'packages/feature-sources',
      'packages/oci-artifact',
      'packages/report',
      'apps/cli',
      'apps/kubectl-nfd',
    ]) {
      const manifest = JSON.parse(readFileSync(join(repo, dir, 'package.json'), 'utf8'));
      expect(manifest, dir).toMatchObject({
        license: 'Apache-2.0',
        engines: { node: supported },
        repository: { type: 'git', url: rootManifest.repository.url, directory: dir },
        publishConfig: { access: 'public' },
      });
      expect(manifest.homepage, dir).toBe(
        `${rootManifest.homepage.replace('#readme', '')}/tree/main/${dir}#readme`,
      );
      expect(manifest.description?.length, dir).toBeGreaterThan(20);
      expect(manifest.keywords?.length, dir).toBeGreaterThan(2);
      expect(readFileSync(join(repo, dir, 'LICENSE'), 'utf8'), dir).toBe(license);
    }
  });

  describe('the single executables', () => {
    // The container image's own file system (scripts/build-image.ts unpacks it into
    // .release-cache/rootfs while the release builds), copied so that the test's files never
    // reach a later image.
    const copies = new Map<string, string>();
    const rootfs = (arch: string): string => {
      let copy = copies.get(arch);
      if (copy === undefined) {
        copy = mkdtempSync(join(tmpdir(), `nfd-rootfs-${arch}-`));
        chmodSync(copy, 0o755);
        cpSync(join(repo, '.release-cache', 'rootfs', arch), copy, {
          recursive: true,
          verbatimSymlinks: true,
        });
        copies.set(arch, copy);
      }
      return copy;
    };
    afterAll(() => {
      for (const copy of copies.values()) rmSync(copy, { recursive: true, force: true });
    });
    const qemu = findPeer('qemu-aarch64-static');
    const chroot = ['/usr/sbin/chroot', '/usr/bin/chroot'].find((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    });
    const reason =
      (qemu === null ? 'qemu-aarch64-static is not installed (run `sh scripts/test-peers.sh`)' : false) ||
      (process.getuid?.() !== 0 || chroot === undefined
        ? 'needs root and chroot to run the executables in a bare root file system'
        : false);

    const inputs = {
      spec: join(repo, 'examples/container-runtime.yaml'),
      rule: join(repo, 'packages/commands/test/fixtures/nodefeaturerule.yaml'),
      node: join(repo, 'examples/gpu-node.nodefeature.json'),
    };
    /** Runs an executable with `env -i` in a root file system of libc6, libstdc++6 and libgcc-s1 only, as user 65532. */
    function runIn(
      arch: 'amd64' | 'arm64',
      args: (files: typeof inputs) => string[],
    ): { code: number | null; stdout: string; stderr: string } {
      const fs = rootfs(arch);
      const work = mkdtempSync(join(fs, 'tmp', 'nfd-'));
      // mkdtemp's 0700 would shut user 65532 out.
      chmodSync(work, 0o755);
      const inside = work.slice(fs.length);
      try {
        copyFileSync(join(out, 'bin', `nfd-linux-${arch}`), join(work, 'nfd'));
        for (const file of Object.values(inputs))
          copyFileSync(file, join(work, file.slice(file.lastIndexOf('/') + 1)));
        const at = Object.fromEntries(
          Object.entries(inputs).map(([key, file]) => [
            key,
            `${inside}/${file.slice(file.lastIndexOf('/') + 1)}`,
          ]),
        ) as typeof inputs;
        // The arm64 binary runs under qemu copied into the root file system (it is static).
        const command = arch === 'arm64' ? ['/qemu-aarch64-static', `${inside}/nfd`] : [`${inside}/nfd`];
        if (arch === 'arm64') copyFileSync(qemu as string, join(fs, 'qemu-aarch64-static'));
        const result = spawnSync(
          'env',
          ['-i', chroot as string, '--userspec=65532:65532', fs, ...command, ...args(at)],
          {
            encoding: 'utf8',
            timeout: 120_000,
          },
        );
        return { code: result.status, stdout: result.stdout, stderr: result.stderr };
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    }

    it('are at most 120 MB each, and ship the notices of what they bundle and of Node.js', () => {
      for (const arch of ['amd64', 'arm64'])
        expect(statSync(join(out, 'bin', `nfd-linux-${arch}`)).size).toBeLessThanOrEqual(120 * 1024 * 1024);
      const notices = readFileSync(join(out, 'bin', 'THIRD-PARTY-NOTICES'), 'utf8');
      for (const name of ['commander', 'undici', 'yaml', 'zod', 're2js', 'Node.js'])
        expect(notices).toContain(name);
    });

    describe.each(['amd64', 'arm64'] as const)('linux/%s', skipUnless(reason), (arch) => {
      it('runs --version, compat validate-spec and dryrun in a bare root file system, nothing on stderr', () => {
        expect(runIn(arch, () => ['--version'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
        const valid = runIn(arch, (at) => ['compat', 'validate-spec', '--spec', at.spec]);
        expect(valid).toMatchObject({ code: 0, stderr: '' });
        expect(valid.stdout).toContain('valid image compatibility spec');
        const dryrun = runIn(arch, (at) => ['dryrun', '-f', at.rule, '-n', at.node, '-o', 'json']);
        expect(dryrun.stderr).toBe('');
        expect(dryrun.code).toBe(0);
        expect(JSON.parse(dryrun.stdout).rules.length).toBeGreaterThan(0);
      }, 240_000);
    });
  });

  describe('the krew plugin', () => {
    const krew = findPeer('krew');
    const validator = findPeer('validate-krew-manifest');
    const kubectl = findPeer('kubectl');
    const reason =
      krew === null || validator === null || kubectl === null
        ? `${[krew === null ? 'krew' : '', validator === null ? 'validate-krew-manifest' : '', kubectl === null ? 'kubectl' : ''].filter(Boolean).join(', ')} not installed (run \`sh scripts/test-peers.sh\`)`
        : false;
    const manifestText = (): string => readFileSync(join(out, 'krew', 'nfd.yaml'), 'utf8');
    /** A PATH where kubectl finds krew as its plugin `kubectl-krew`. */
    function krewPath(): string {
      const dir = mkdtempSync(join(tmpdir(), 'nfd-krew-bin-'));
      symlinkSync(krew as string, join(dir, 'kubectl-krew'));
      return `${dir}:${dirname(kubectl as string)}:${userPath}`;
    }

    it('has each archive’s sha256 and its release URL, no placeholder', () => {
      const text = manifestText();
      expect(text).not.toMatch(/OWNER|0{64}/);
      for (const arch of ['amd64', 'arm64']) {
        const file = `kubectl-nfd-v0.1.0-linux-${arch}.tar.gz`;
        const digest = createHash('sha256')
          .update(readFileSync(join(out, 'krew', file)))
          .digest('hex');
        expect(text).toContain(
          `uri: "https://github.com/nfd-ts/nfd-ts/releases/download/v0.1.0/${file}"\n      sha256: "${digest}"`,
        );
      }
    });

    describe('with the real krew', skipUnless(reason), () => {
      it('passes validate-krew-manifest, which installs each platform’s archive (served from 127.0.0.1)', async () => {
        const server = createServer((req, res) => {
          const file = join(out, 'krew', (req.url ?? '').replace(/^\//, ''));
          try {
            res.end(readFileSync(file));
          } catch {
            res.statusCode = 404;
            res.end();
          }
        });
        await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
        try {
          const { port } = server.address() as AddressInfo;
          const dir = mkdtempSync(join(tmpdir(), 'nfd-krew-'));
          writeFileSync(
            join(dir, 'nfd.yaml'),
            manifestText().replaceAll(
              'https://github.com/nfd-ts/nfd-ts/releases/download/v0.1.0/',
              `http://127.0.0.1:${port}/`,
            ),
          );
          const result = await new Promise<{ code: number | null; output: string }>((done) => {
            const child = spawn(validator as string, ['-manifest', join(dir, 'nfd.yaml')], {
              env: { ...env, PATH: krewPath() },
            });
            let output = '';
            child.stdout.on('data', (chunk) => (output += chunk));
            child.stderr.on('data', (chunk) => (output += chunk));
            child.on('close', (code) => done({ code, output }));
          });
          expect(result.output).toContain('all 2 spec.platforms installed fine');
          expect(result.code).toBe(0);
        } finally {
          server.close();
        }
      }, 240_000);

      it('installs offline with kubectl krew install --manifest --archive, and kubectl nfd runs', () => {
        const root = mkdtempSync(join(tmpdir(), 'nfd-krew-root-'));
        const path = krewPath();
        const installed = spawnSync(
          kubectl as string,
          [
            'krew',
            'install',
            `--manifest=${join(out, 'krew', 'nfd.yaml')}`,
            `--archive=${join(out, 'krew', 'kubectl-nfd-v0.1.0-linux-amd64.tar.gz')}`,
          ],
          {
            env: { ...env, PATH: path, KREW_ROOT: root, KREW_OS: 'linux', KREW_ARCH: 'amd64' },
            encoding: 'utf8',
            timeout: 120_000,
          },
        );
        expect(installed.status, installed.stderr).toBe(0);
        const version = spawnSync(kubectl as string, ['nfd', '--version'], {
          env: { ...env, PATH: `${join(root, 'bin')}:${path}` },
          encoding: 'utf8',
        });
        expect({ code: version.status, stdout: version.stdout }).toEqual({ code: 0, stdout: '0.1.0\n' });
      }, 240_000);
    });
  });

  describe('the container image', () => {
    const image = (): string => join(out, 'image');
    const blob = (digest: string): Buffer =>
      readFileSync(join(image(), 'blobs', 'sha256', digest.replace('sha256:', '')));
    const json = (digest: string) => JSON.parse(blob(digest).toString('utf8'));
    const layout = () => JSON.parse(readFileSync(join(image(), 'index.json'), 'utf8'));
    const platforms = () => {
      const index = json(layout().manifests[0].digest);
      return index.manifests.map(
        (entry: { digest: string; platform: { os: string; architecture: string } }) => {
          const manifest = json(entry.digest);
          return {
            platform: `${entry.platform.os}/${entry.platform.architecture}`,
            manifest,
            config: json(manifest.config.digest),
          };
        },
      );
    };

    it('is an OCI index for linux/amd64 and linux/arm64 tagged with the version, user 65532, the CLI its entrypoint', () => {
      expect(layout().manifests[0].annotations).toEqual({ 'org.opencontainers.image.ref.name': 'v0.1.0' });
      expect(layout().manifests[0].mediaType).toBe('application/vnd.oci.image.index.v1+json');
      const all = platforms();
      expect(all.map((p: { platform: string }) => p.platform)).toEqual(['linux/amd64', 'linux/arm64']);
      for (const { config, manifest } of all) {
        expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
        expect(config.config).toMatchObject({ User: '65532:65532', Entrypoint: ['/usr/local/bin/nfd'] });
        expect(config.created).toBeUndefined();
      }
    });

    it('rebuilds with the same digest', () => {
      const again = spawnSync(
        node,
        [
          join(repo, 'scripts/build-image.ts'),
          '--bin',
          join(out, 'bin'),
          '--out',
          mkdtempSync(join(tmpdir(), 'nfd-image-')),
        ],
        {
          encoding: 'utf8',
          timeout: 240_000,
        },
      );
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout.trim()).toBe(layout().manifests[0].digest);
    }, 240_000);

    it('agrees with the Containerfile, and compat job runs it by default', () => {
      const containerfile = readFileSync(join(repo, 'Containerfile'), 'utf8');
      const builder = readFileSync(join(repo, 'scripts/build-image.ts'), 'utf8');
      const [{ config }] = platforms();
      expect(containerfile).toContain(`USER ${config.config.User}`);
      expect(containerfile).toContain(`WORKDIR ${config.config.WorkingDir}`);
      expect(containerfile).toContain(`ENV ${config.config.Env[0]}`);
      expect(containerfile).toContain(`ENTRYPOINT ${JSON.stringify(config.config.Entrypoint)}`);
      for (const [label, value] of Object.entries(config.config.Labels as Record<string, string>))
        if (label !== 'org.opencontainers.image.version')
          expect(containerfile).toContain(`${label}="${value}"`);
      const packages = /const PACKAGES = \[([^\]]*)\]/
        .exec(builder)?.[1]
        ?.match(/'[^']+'/g)
        ?.map((p) => p.slice(1, -1));
      expect(containerfile).toContain(`apt-get download ${packages?.join(' ')}`);
      const rootManifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
      const job = readFileSync(join(repo, 'packages/commands/src/commands/compat-job.ts'), 'utf8');
      expect(job).toContain(`CLIENT_IMAGE_REPOSITORY = '${rootManifest.config.image}'`);
    });

    const registry = findPeer('docker-registry');
    const oras = findPeer('oras');
    describe.each(['amd64', 'arm64'] as const)('its linux/%s file system', (arch) => {
      const qemu = findPeer('qemu-aarch64-static');
      const root =
        process.getuid?.() === 0 && statSync('/usr/sbin/chroot', { throwIfNoEntry: false }) !== undefined;
      const why = !root
        ? 'needs root and chroot to run the executables in a bare root file system'
        : arch === 'arm64' && qemu === null
          ? 'qemu-aarch64-static is not installed (run `sh scripts/test-peers.sh`)'
          : false;
      it('runs --version and validate-spec as user 65532 with nothing but the image', {
        ...skipUnless(why),
        timeout: 240_000,
      }, () => {
        const entry = platforms().find((p: { platform: string }) => p.platform === `linux/${arch}`);
        const fs = mkdtempSync(join(tmpdir(), 'nfd-image-fs-'));
        chmodSync(fs, 0o755);
        const layer = join(fs, '..', `${fs.slice(fs.lastIndexOf('/') + 1)}.tar.gz`);
        writeFileSync(layer, blob(entry.manifest.layers[0].digest));
        expect(spawnSync('tar', ['-xzf', layer, '-C', fs]).status).toBe(0);
        const spec = '/usr/share/doc/nfd/spec.yaml';
        copyFileSync(join(repo, 'examples/container-runtime.yaml'), join(fs, spec));
        const prefix = arch === 'arm64' ? ['/qemu-aarch64-static'] : [];
        if (arch === 'arm64') copyFileSync(qemu as string, join(fs, 'qemu-aarch64-static'));
        const inImage = (args: string[]) =>
          spawnSync(
            'env',
            [
              '-i',
              '/usr/sbin/chroot',
              `--userspec=${entry.config.config.User}`,
              fs,
              ...prefix,
              ...entry.config.config.Entrypoint,
              ...args,
            ],
            {
              encoding: 'utf8',
              timeout: 120_000,
            },
          );
        expect(inImage(['--version'])).toMatchObject({ status: 0, stdout: '0.1.0\n', stderr: '' });
        const valid = inImage(['compat', 'validate-spec', '--spec', spec]);
        expect(valid.stderr).toBe('');
        expect(valid.status).toBe(0);
        rmSync(fs, { recursive: true, force: true });
        rmSync(layer, { force: true });
      });
    });

    it(
      'pushes to a registry as one index of both platforms (oras cp from the layout)',
      skipUnless(
        registry === null || oras === null
          ? 'docker-registry or oras is not installed (run `sh scripts/test-peers.sh`)'
          : false,
      ),
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'nfd-registry-'));
        const config = join(dir, 'config.yml');
        writeFileSync(
          config,
          [
            'version: 0.1',
            'log:',
            '  level: info',
            'storage:',
            '  filesystem:',
            `    rootdirectory: ${JSON.stringify(join(dir, 'data'))}`,
            'http:',
            '  addr: 127.0.0.1:0',
            '',
          ].join('\n'),
        );
        const child = spawn(registry as string, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
        try {
          let logs = '';
          const port = await new Promise<string>((done, fail) => {
            const onData = (chunk: Buffer) => {
              logs += chunk.toString('utf8');
              const match = /listening on 127\.0\.0\.1:(\d+)/.exec(logs);
              if (match?.[1] !== undefined) done(match[1]);
            };
            child.stdout.on('data', onData);
            child.stderr.on('data', onData);
            child.on('exit', () => fail(new Error(`docker-registry exited: ${logs}`)));
          });
          const target = `127.0.0.1:${port}/nfd:v0.1.0`;
          const copied = spawnSync(
            oras as string,
            ['cp', '--from-oci-layout', `${image()}:v0.1.0`, target, '--to-plain-http'],
            {
              encoding: 'utf8',
              timeout: 240_000,
            },
          );
          expect(copied.status, copied.stderr).toBe(0);
          const answer = await fetch(`http://127.0.0.1:${port}/v2/nfd/manifests/v0.1.0`, {
            headers: { accept: 'application/vnd.oci.image.index.v1+json' },
          });
          expect(answer.headers.get('docker-content-digest')).toBe(layout().manifests[0].digest);
          expect(((await answer.json()) as { manifests: unknown[] }).manifests.length).toBe(2);
        } finally {
          child.kill();
        }
      },
    );
  });

  describe.each([
    ['@nfd/spec', []],
    ['@nfd/matcher', ['@nfd/spec']],
    ['@nfd/feature-sources', ['@nfd/spec']],
    ['@nfd/oci-artifact', ['@nfd/spec']],
    ['@nfd/report', ['@nfd/spec', '@nfd/matcher']],
  ] as const)('the README of %s', (name, deps) => {
    it('has examples that run as written and type-check, in a project with the package installed from npm', () => {
      const readme = readFileSync(join(repo, 'packages', name.replace('@nfd/', ''), 'README.md'), 'utf8');
      const examples = [...readme.matchAll(/```ts\n([\s\S]*?)\n```/g)].map((match) => match[1] ?? '');
      expect(examples.length).toBeGreaterThan(0);
      const dir = project([tarball(name), ...deps.map(tarball), `@types/node@${TYPES_NODE}`]);
      // What the examples say they start from: a spec in spec.yaml, an image tagged 1.0 in the layout app/.
      copyFileSync(join(repo, 'examples/container-runtime.yaml'), join(dir, 'spec.yaml'));
      const blobs = join(dir, 'app', 'blobs', 'sha256');
      mkdirSync(blobs, { recursive: true });
      const put = (text: string): { digest: string; size: number } => {
        const digest = createHash('sha256').update(text).digest('hex');
        writeFileSync(join(blobs, digest), text);
        return { digest: `sha256:${digest}`, size: Buffer.byteLength(text) };
      };
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put('{}') },
        layers: [],
      });
      writeFileSync(join(dir, 'app', 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
      writeFileSync(
        join(dir, 'app', 'index.json'),
        JSON.stringify({
          schemaVersion: 2,
          manifests: [
            {
              mediaType: 'application/vnd.oci.image.manifest.v1+json',
              ...put(manifest),
              annotations: { 'org.opencontainers.image.ref.name': '1.0' },
            },
          ],
        }),
      );
      const files = examples.map((code, i) => {
        const file = `example-${i + 1}.ts`;
        writeFileSync(join(dir, file), `${code}\n`);
        return file;
      });
      for (const file of files) {
        const ran = sh(node, [file], dir);
        expect(ran.stderr, `${name} README ${file}`).toBe('');
        expect(ran.code, `${name} README ${file}`).toBe(0);
      }
      expect(typeCheck(dir, files, ['node'])).toBe('');
    }, 240_000);
  });
});
