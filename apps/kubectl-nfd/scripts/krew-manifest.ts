// The krew plugin manifest of kubectl-nfd (format: krew's site/content/docs/developer-guide/
// plugin-manifest.md; checks: krew's internal/index/validation/validate.go and its naming guide).
// `node scripts/write-krew-manifest.ts` writes krew/nfd.yaml with it; the release script runs the
// same with the release's URLs and archive digests.
import { readFileSync } from 'node:fs';

export const KREW_API_VERSION = 'krew.googlecontainertools.github.com/v1alpha2';
export const PLUGIN_NAME = 'nfd';
export type Platform = 'linux/amd64' | 'linux/arm64' | 'darwin/amd64' | 'darwin/arm64';
export const PLATFORMS: readonly Platform[] = ['linux/amd64', 'linux/arm64', 'darwin/amd64', 'darwin/arm64'];

/**
 * Placeholders until the release script fills them in: the repository's release downloads and
 * home page, and an all-zero digest (valid hex, the digest of no real archive).
 */
export const PLACEHOLDER_BASE_URL = 'https://github.com/OWNER/nfd-ts/releases/download';
export const PLACEHOLDER_HOMEPAGE = 'https://github.com/OWNER/nfd-ts';
export const PLACEHOLDER_SHA256: string = '0'.repeat(64);

/** What the release archive holds: the npm package's bin/ and dist/, and its package.json ("type": "module"). */
export const ARCHIVE_ROOT = 'kubectl-nfd';
export const ARCHIVE_BIN = 'bin/kubectl-nfd';

export interface KrewPlatform {
  selector: { matchLabels: { os: string; arch: string } };
  uri: string;
  sha256: string;
  files: { from: string; to: string }[];
  bin: string;
}

export interface KrewManifest {
  apiVersion: typeof KREW_API_VERSION;
  kind: 'Plugin';
  metadata: { name: string };
  spec: {
    version: string;
    homepage: string;
    shortDescription: string;
    description: string;
    caveats: string;
    platforms: KrewPlatform[];
  };
}

export interface KrewManifestOptions {
  /** The plugin's version, without the v (package.json's). */
  version: string;
  /** Where `v<version>/<archive>` is downloaded from. */
  baseUrl?: string;
  homepage?: string;
  /**
   * The archives' sha256: one string for the one platform-independent archive (kubectl-nfd is a
   * Node.js program), or one per platform for per-platform archives `kubectl-nfd-v<version>-<os>-<arch>.tar.gz`.
   */
  sha256?: string | Partial<Record<Platform, string>>;
}

const DESCRIPTION = `Checks Node Feature Discovery rules and image compatibility specs against the
nodes of a cluster, without installing anything in it:

  kubectl nfd test -f rule.yaml -n worker-1
  kubectl nfd compat validate-cluster --image registry.example/app:1.0
  kubectl nfd compat scheduling --image registry.example/app:1.0 | kubectl apply -f -

The commands and flags of upstream's kubectl-nfd (test, dryrun, validate) work as they do there.
`;

const CAVEATS = `kubectl-nfd is a Node.js program: it needs Node.js 22 (from 22.19) or 24 and later on PATH
(\`node --version\`).

Shell completion of \`kubectl nfd\` (kubectl 1.26+) is one manual step, since krew does not
install completion helpers (kubernetes-sigs/krew#812): put the plugin's kubectl_complete-nfd
on PATH, e.g.
  ln -s ~/.krew/store/nfd/*/bin/kubectl_complete-nfd ~/.local/bin/
`;

export const SHORT_DESCRIPTION = 'Check nodes against NFD rules and image specs';

/** The manifest for `options.version`; placeholders where URLs and digests are not given. */
export function krewManifest(options: KrewManifestOptions): KrewManifest {
  const version = `v${options.version}`;
  const baseUrl = (options.baseUrl ?? PLACEHOLDER_BASE_URL).replace(/\/+$/, '');
  const perPlatform = typeof options.sha256 === 'object';
  const platforms = PLATFORMS.map((platform): KrewPlatform => {
    const [os, arch] = platform.split('/') as [string, string];
    const archive = perPlatform
      ? `kubectl-nfd-${version}-${os}-${arch}.tar.gz`
      : `kubectl-nfd-${version}.tar.gz`;
    const sha256 =
      typeof options.sha256 === 'string'
        ? options.sha256
        : (options.sha256?.[platform] ?? PLACEHOLDER_SHA256);
    return {
      selector: { matchLabels: { os, arch } },
      uri: `${baseUrl}/${version}/${archive}`,
      sha256,
      files: [{ from: `${ARCHIVE_ROOT}/*`, to: '.' }],
      bin: ARCHIVE_BIN,
    };
  });
  return {
    apiVersion: KREW_API_VERSION,
    kind: 'Plugin',
    metadata: { name: PLUGIN_NAME },
    spec: {
      version,
      homepage: options.homepage ?? PLACEHOLDER_HOMEPAGE,
      shortDescription: SHORT_DESCRIPTION,
      description: DESCRIPTION,
      caveats: CAVEATS,
      platforms,
    },
  };
}

/** A YAML double-quoted scalar (JSON strings are valid ones). */
function quote(text: string): string {
  return JSON.stringify(text);
}

function block(text: string, indent: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => (line === '' ? '' : `${indent}${line}`))
    .join('\n');
}

/** The manifest as YAML, in krew-index's usual field order, with a header saying where it comes from. */
export function renderKrewManifest(manifest: KrewManifest): string {
  const { spec } = manifest;
  const lines = [
    '# Generated by apps/kubectl-nfd/scripts/write-krew-manifest.ts; do not edit.',
    '# The release script regenerates it with the release archive URLs and sha256 digests',
    `# (until then: ${PLACEHOLDER_BASE_URL.replace('/releases/download', '')} and all-zero digests are placeholders).`,
    `apiVersion: ${manifest.apiVersion}`,
    `kind: ${manifest.kind}`,
    'metadata:',
    `  name: ${manifest.metadata.name}`,
    'spec:',
    `  version: ${quote(spec.version)}`,
    `  homepage: ${quote(spec.homepage)}`,
    `  shortDescription: ${quote(spec.shortDescription)}`,
    '  description: |',
    block(spec.description, '    '),
    '  caveats: |',
    block(spec.caveats, '    '),
    '  platforms:',
  ];
  for (const platform of spec.platforms) {
    lines.push(
      '    - selector:',
      '        matchLabels:',
      `          os: ${platform.selector.matchLabels.os}`,
      `          arch: ${platform.selector.matchLabels.arch}`,
      `      uri: ${quote(platform.uri)}`,
      `      sha256: ${quote(platform.sha256)}`,
      '      files:',
      ...platform.files.flatMap((file) => [
        `        - from: ${quote(file.from)}`,
        `          to: ${quote(file.to)}`,
      ]),
      `      bin: ${quote(platform.bin)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** This app's version (package.json). */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export const MANIFEST_PATH: URL = new URL('../krew/nfd.yaml', import.meta.url);
