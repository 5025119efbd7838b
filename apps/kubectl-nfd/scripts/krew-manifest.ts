// The krew plugin manifest of kubectl-nfd (format: krew's site/content/docs/developer-guide/
// plugin-manifest.md; checks: krew's internal/index/validation/validate.go and its naming guide).
// scripts/release-build.ts writes it next to the release's archives (one per platform, holding
// the single executable), with their URLs and digests.

export const KREW_API_VERSION = 'krew.googlecontainertools.github.com/v1alpha2';
export const PLUGIN_NAME = 'nfd';
export type Platform = 'linux/amd64' | 'linux/arm64';
/** The platforms of the single executable (scripts/release-build.ts builds one per platform). */
export const PLATFORMS: readonly Platform[] = ['linux/amd64', 'linux/arm64'];

/** What each platform's archive holds, at its root: the executable is `bin`; krew links only that. */
export const ARCHIVE_FILES: readonly string[] = [
  'kubectl-nfd',
  'kubectl_complete-nfd',
  'LICENSE',
  'THIRD-PARTY-NOTICES',
];
export const ARCHIVE_BIN = 'kubectl-nfd';

/** `kubectl-nfd-v1.2.3-linux-amd64.tar.gz` */
export function archiveName(version: string, platform: Platform): string {
  const [os, arch] = platform.split('/') as [string, string];
  return `kubectl-nfd-v${version}-${os}-${arch}.tar.gz`;
}

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
  /** Where `v<version>/<archive>` is downloaded from (the root package.json's config.releaseDownloads). */
  baseUrl: string;
  homepage: string;
  /** Each platform's archive digest (hex). */
  sha256: Record<Platform, string>;
}

const DESCRIPTION = `Checks Node Feature Discovery rules and image compatibility specs against the
nodes of a cluster, without installing anything in it:

  kubectl nfd test -f rule.yaml -n worker-1
  kubectl nfd compat validate-cluster --image registry.example/app:1.0
  kubectl nfd compat scheduling --image registry.example/app:1.0 | kubectl apply -f -

The commands and flags of upstream's kubectl-nfd (test, dryrun, validate) work as they do there.
`;

const CAVEATS = `Shell completion of \`kubectl nfd\` (kubectl 1.26+) is one manual step, since krew does not
install completion helpers (kubernetes-sigs/krew#812): put the plugin's kubectl_complete-nfd
on PATH, e.g.
  ln -s ~/.krew/store/nfd/v*/kubectl_complete-nfd ~/.local/bin/
`;

export const SHORT_DESCRIPTION = 'Check nodes against NFD rules and image specs';

/** The manifest of a release: its archives' URLs and digests. */
export function krewManifest(options: KrewManifestOptions): KrewManifest {
  const version = `v${options.version}`;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const platforms = PLATFORMS.map((platform): KrewPlatform => {
    const [os, arch] = platform.split('/') as [string, string];
    return {
      selector: { matchLabels: { os, arch } },
      uri: `${baseUrl}/${version}/${archiveName(options.version, platform)}`,
      sha256: options.sha256[platform],
      files: ARCHIVE_FILES.map((file) => ({ from: file, to: '.' })),
      bin: ARCHIVE_BIN,
    };
  });
  return {
    apiVersion: KREW_API_VERSION,
    kind: 'Plugin',
    metadata: { name: PLUGIN_NAME },
    spec: {
      version,
      homepage: options.homepage,
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
    '# Written by scripts/release-build.ts for the archives of this release.',
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
