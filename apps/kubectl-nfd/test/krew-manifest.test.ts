import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ARCHIVE_FILES, archiveName, krewManifest, renderKrewManifest } from '../scripts/krew-manifest.ts';

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

const hex = (c: string): string => c.repeat(64);
const release = {
  version: '1.2.3',
  baseUrl: 'https://github.com/acme/nfd-ts/releases/download/',
  homepage: 'https://github.com/acme/nfd-ts',
  sha256: { 'linux/amd64': hex('1'), 'linux/arm64': hex('2') },
};
const manifest = parse(renderKrewManifest(krewManifest(release)));

describe('krew manifest generator', () => {
  it('writes what it describes, with every field krew requires, valid', () => {
    expect(manifest).toEqual(JSON.parse(JSON.stringify(krewManifest(release))));
    expect(krewProblems(manifest, 'nfd.yaml')).toEqual([]);
  });

  it('names one archive per platform of the single executable, with its digest, running kubectl-nfd', () => {
    expect(
      manifest.spec.platforms.map(
        (p: { selector: { matchLabels: { os: string; arch: string } } }) =>
          `${p.selector.matchLabels.os}/${p.selector.matchLabels.arch}`,
      ),
    ).toEqual(['linux/amd64', 'linux/arm64']);
    expect(manifest.spec.platforms.map((p: { uri: string }) => p.uri)).toEqual([
      'https://github.com/acme/nfd-ts/releases/download/v1.2.3/kubectl-nfd-v1.2.3-linux-amd64.tar.gz',
      'https://github.com/acme/nfd-ts/releases/download/v1.2.3/kubectl-nfd-v1.2.3-linux-arm64.tar.gz',
    ]);
    expect(manifest.spec.platforms.map((p: { sha256: string }) => p.sha256[0])).toEqual(['1', '2']);
    for (const platform of manifest.spec.platforms) {
      expect(platform.bin).toBe('kubectl-nfd');
      expect(platform.files.map((f: { from: string }) => f.from)).toEqual([...ARCHIVE_FILES]);
    }
    expect(archiveName('1.2.3', 'linux/arm64')).toBe('kubectl-nfd-v1.2.3-linux-arm64.tar.gz');
  });

  it('says how to get shell completion, which krew does not install', () => {
    expect(manifest.spec.caveats).toContain('kubectl_complete-nfd');
    expect(manifest.spec.caveats).toContain('kubernetes-sigs/krew#812');
  });

  it('the checker catches what krew refuses', () => {
    const bad = structuredClone(manifest);
    bad.metadata.name = 'kube-NFD';
    bad.spec.shortDescription = 'one\ntwo';
    bad.spec.version = '0.1.0';
    bad.spec.platforms[0].sha256 = 'ABC';
    bad.spec.platforms[1].selector = { matchLabels: { os: 'linux', cpu: 'x' } };
    delete bad.spec.platforms[1].bin;
    expect(krewProblems(bad, 'nfd.yaml')).toEqual([
      'name must be lowercase',
      'name must not start with "kube"',
      'the file must be named kube-NFD.yaml',
      'shortDescription must be one line',
      'version must be v + semver',
      'platforms[0].sha256 must match ^[a-f0-9]{64}$',
      'platforms[1].bin is required',
      'platforms[1].selector key cpu',
    ]);
    expect(krewProblems({ ...manifest, spec: { ...manifest.spec, platforms: [] } }, 'nfd.yaml')).toContain(
      'platforms must not be empty',
    );
  });
});
