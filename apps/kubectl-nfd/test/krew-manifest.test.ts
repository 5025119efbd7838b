import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  krewManifest,
  MANIFEST_PATH,
  PLACEHOLDER_SHA256,
  packageVersion,
  renderKrewManifest,
} from '../scripts/krew-manifest.ts';

// What krew checks before it installs a manifest (krew's internal/index/validation/validate.go:
// ValidatePlugin, validatePlatform, validateFiles, validateSelector), what the krew-index review
// asks (naming guide: lowercase, no "kube" prefix; a short one-line shortDescription), and that
// the manifest describes this version. Returns every problem found.
const WINDOWS_FORBIDDEN = [
  'CON',
  'PRN',
  'AUX',
  'NUL',
  ...[1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((n) => [`COM${n}`, `LPT${n}`]),
];
const SEMVER =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

// biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document, checked field by field
function krewProblems(manifest: any, fileName: string): string[] {
  const problems: string[] = [];
  const name: unknown = manifest?.metadata?.name;
  if (manifest?.apiVersion !== 'krew.googlecontainertools.github.com/v1alpha2') problems.push('apiVersion');
  if (manifest?.kind !== 'Plugin') problems.push('kind');
  if (typeof name !== 'string' || !/^[\w-]+$/.test(name)) problems.push('name must match ^[\\w-]+$');
  if (typeof name === 'string') {
    if (WINDOWS_FORBIDDEN.some((w) => w.toLowerCase() === name.toLowerCase()))
      problems.push('name is a Windows device');
    if (name !== name.toLowerCase()) problems.push('name must be lowercase');
    if (/^kube/.test(name)) problems.push('name must not start with "kube"');
    if (`${name}.yaml` !== fileName) problems.push(`the file must be named ${name}.yaml`);
  }
  const spec = manifest?.spec ?? {};
  const short: unknown = spec.shortDescription;
  if (typeof short !== 'string' || short === '') problems.push('shortDescription is required');
  else {
    if (/[\r\n]/.test(short)) problems.push('shortDescription must be one line');
    if (short.length > 50) problems.push('shortDescription is longer than 50 characters');
  }
  if (typeof spec.description !== 'string' || spec.description.trim() === '') problems.push('description');
  if (typeof spec.homepage !== 'string' || !/^https:\/\//.test(spec.homepage)) problems.push('homepage');
  if (typeof spec.version !== 'string' || !SEMVER.test(spec.version))
    problems.push('version must be v + semver');
  if (!Array.isArray(spec.platforms) || spec.platforms.length === 0) {
    problems.push('platforms must not be empty');
    return problems;
  }
  for (const [i, platform] of spec.platforms.entries()) {
    const at = `platforms[${i}]`;
    if (typeof platform.uri !== 'string' || !/^https:\/\/\S+\.(tar\.gz|tgz|zip)$/.test(platform.uri)) {
      problems.push(`${at}.uri must be an https URL of a .tar.gz or .zip archive`);
    }
    if (typeof platform.sha256 !== 'string' || !/^[a-f0-9]{64}$/.test(platform.sha256)) {
      problems.push(`${at}.sha256 must match ^[a-f0-9]{64}$`);
    }
    if (typeof platform.bin !== 'string' || platform.bin === '') problems.push(`${at}.bin is required`);
    if (platform.files !== undefined) {
      if (!Array.isArray(platform.files) || platform.files.length === 0)
        problems.push(`${at}.files must not be empty`);
      for (const file of platform.files ?? []) {
        if (
          typeof file.from !== 'string' ||
          file.from === '' ||
          typeof file.to !== 'string' ||
          file.to === ''
        ) {
          problems.push(`${at}.files needs from and to`);
        }
      }
    }
    const labels = platform.selector?.matchLabels;
    const expressions = platform.selector?.matchExpressions;
    if (platform.selector == null || (labels == null && (expressions ?? []).length === 0)) {
      problems.push(`${at}.selector must not be empty`);
    } else {
      const keys = [...Object.keys(labels ?? {}), ...(expressions ?? []).map((e: { key: string }) => e.key)];
      for (const key of keys) if (key !== 'os' && key !== 'arch') problems.push(`${at}.selector key ${key}`);
      if (labels != null && Object.keys(labels).length === 0)
        problems.push(`${at}.selector.matchLabels is empty`);
    }
  }
  return problems;
}

const text = readFileSync(MANIFEST_PATH, 'utf8');
const committed = parse(text);

describe('krew manifest krew/nfd.yaml', () => {
  it('has every field krew requires, valid', () => {
    expect(krewProblems(committed, 'nfd.yaml')).toEqual([]);
  });

  it('is for the version in package.json', () => {
    expect(committed.spec.version).toBe(`v${packageVersion()}`);
    for (const platform of committed.spec.platforms) expect(platform.uri).toContain(`/v${packageVersion()}/`);
  });

  it('covers linux and darwin on amd64 and arm64, running bin/kubectl-nfd', () => {
    expect(
      committed.spec.platforms.map(
        (p: { selector: { matchLabels: { os: string; arch: string } } }) =>
          `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`,
      ),
    ).toEqual(['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64']);
    for (const platform of committed.spec.platforms) expect(platform.bin).toBe('bin/kubectl-nfd');
  });

  it('says what it needs: Node.js, and the manual completion step with the shipped helper', () => {
    expect(committed.spec.caveats).toContain('Node.js 22 (from 22.19) or 24 and later');
    expect(committed.spec.caveats).toContain('bin/kubectl_complete-nfd');
    expect(committed.spec.caveats).toContain('kubernetes-sigs/krew#812');
    expect(existsSync(fileURLToPath(new URL('../bin/kubectl_complete-nfd', import.meta.url)))).toBe(true);
  });

  it('is what the generator writes (run `pnpm --filter @nfd/kubectl-nfd krew-manifest` after a version bump)', () => {
    expect(text).toBe(renderKrewManifest(krewManifest({ version: packageVersion() })));
  });
});

describe('krew manifest generator', () => {
  const hex = (c: string) => c.repeat(64);

  it('writes valid manifests for a release, with one archive or one per platform', () => {
    const single = krewManifest({
      version: '1.2.3',
      baseUrl: 'https://github.com/acme/nfd-ts/releases/download/',
      homepage: 'https://github.com/acme/nfd-ts',
      sha256: hex('a'),
    });
    const parsedSingle = parse(renderKrewManifest(single));
    expect(parsedSingle).toEqual(JSON.parse(JSON.stringify(single)));
    expect(krewProblems(parsedSingle, 'nfd.yaml')).toEqual([]);
    expect(parsedSingle.spec.platforms[0].uri).toBe(
      'https://github.com/acme/nfd-ts/releases/download/v1.2.3/kubectl-nfd-v1.2.3.tar.gz',
    );

    const perPlatform = parse(
      renderKrewManifest(
        krewManifest({
          version: '1.2.3-rc.1',
          sha256: {
            'linux/amd64': hex('1'),
            'linux/arm64': hex('2'),
            'darwin/amd64': hex('3'),
            'darwin/arm64': hex('4'),
          },
        }),
      ),
    );
    expect(krewProblems(perPlatform, 'nfd.yaml')).toEqual([]);
    expect(perPlatform.spec.platforms.map((p: { sha256: string }) => p.sha256[0])).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    expect(perPlatform.spec.platforms[3].uri).toMatch(
      /\/v1\.2\.3-rc\.1\/kubectl-nfd-v1\.2\.3-rc\.1-darwin-arm64\.tar\.gz$/,
    );
  });

  it('uses clearly fake digests until the release fills them in', () => {
    expect(PLACEHOLDER_SHA256).toBe('0'.repeat(64));
    expect(committed.spec.platforms[0].sha256).toBe(PLACEHOLDER_SHA256);
  });

  it('the checker catches what krew refuses', () => {
    const bad = structuredClone(committed);
    bad.metadata.name = 'kube-NFD';
    bad.spec.shortDescription = 'one\ntwo';
    bad.spec.version = '0.1.0';
    bad.spec.platforms[0].sha256 = 'ABC';
    bad.spec.platforms[1].selector = { matchLabels: { os: 'linux', cpu: 'x' } };
    delete bad.spec.platforms[2].bin;
    expect(krewProblems(bad, 'nfd.yaml')).toEqual([
      'name must be lowercase',
      'name must not start with "kube"',
      'the file must be named kube-NFD.yaml',
      'shortDescription must be one line',
      'version must be v + semver',
      'platforms[0].sha256 must match ^[a-f0-9]{64}$',
      'platforms[1].selector key cpu',
      'platforms[2].bin is required',
    ]);
    expect(krewProblems({ ...committed, spec: { ...committed.spec, platforms: [] } }, 'nfd.yaml')).toContain(
      'platforms must not be empty',
    );
  });
});
