import type { Features } from '@nfd/spec';
import { detectTreeArch } from './arch.ts';
import { createHostFs, type HostFs, HostReadError } from './host-fs.ts';
import { buildLabels } from './labels.ts';
import {
  type Arch,
  type CpuidReader,
  type FeatureSource,
  SOURCE_NAMES,
  SourceError,
  type SourceName,
} from './source.ts';

export interface DiscoverOptions {
  /** Every path is read under this directory: "/" (default) for the live host, or a host tree. */
  root?: string;
  /** Host directory prefix: "auto" (default) honours /host-* directories that exist under the root. */
  prefix?: 'auto' | '/' | '/host-';
  /** The architecture of the running machine (process.arch mapped to Go's names); used for root "/". */
  runningArch: Arch;
  /** Overrides the architecture (else the running one for "/", the tree's under another root). */
  arch?: Arch;
  /** Only these sources (default: all NFD enables by default). */
  sources?: readonly SourceName[];
  excludeSources?: readonly SourceName[];
  /** Raw CPUID; "auto" (default) reads <root>/dev/cpu/0/cpuid on x86 when it can. */
  cpuid?: CpuidReader | 'auto' | 'none';
  now?: Date;
  /** NODE_NAME for system.name (default ""). */
  nodeName?: string;
  /** Sub-feature problems (what upstream logs); default: ignored. */
  onWarning?(source: SourceName, message: string): void;
  /** Limits of the discovery that can change a verdict; default: treated as warnings. */
  onNotice?(source: SourceName, message: string): void;
}

export interface SourceFailure {
  source: SourceName;
  message: string;
}

export interface DiscoveryResult {
  features: Features;
  /** The labels nfd-worker would publish (features.md §4.1), keys sorted. */
  labels: Record<string, string>;
  /** Sources that failed as a whole (upstream's Discover errors); the others still produced features. */
  failures: SourceFailure[];
  arch: Arch;
  /** How cpu.cpuid was read. */
  cpuid: 'cpuid-device' | 'injected' | 'none';
}

/** Picks the sources of `all` that the options select, validating the names. */
export function selectSources(
  all: readonly FeatureSource[],
  options: Pick<DiscoverOptions, 'sources' | 'excludeSources'>,
): FeatureSource[] {
  const known = new Set<string>(SOURCE_NAMES);
  for (const name of [...(options.sources ?? []), ...(options.excludeSources ?? [])]) {
    if (!known.has(name)) throw new Error(`unknown source "${name}"; sources: ${SOURCE_NAMES.join(', ')}`);
  }
  const include =
    options.sources === undefined || options.sources.length === 0 ? undefined : new Set(options.sources);
  const exclude = new Set(options.excludeSources ?? []);
  return all.filter(
    (source) => (include === undefined || include.has(source.name)) && !exclude.has(source.name),
  );
}

/** Reads the host would have blocked on or drowned in: said as notices, not only as sub-feature problems. */
const REFUSED = new Set(['NOT_REGULAR', 'TOO_LARGE', 'ELOOP']);

/**
 * The host view a source reads through: a file refused because of what it is (a FIFO, a device,
 * a link loop, more than the read limit) is a notice naming it (a warning on the CLI), since a
 * tree that holds one is not what NFD's sources expect; the source still handles the error.
 */
function refusalsNoticed(fs: HostFs, notice: (message: string) => void): HostFs {
  const said = (error: unknown): never => {
    if (error instanceof HostReadError && error.code !== undefined && REFUSED.has(error.code))
      notice(`skipped ${error.message.replace(/^cannot read /, '')}`);
    throw error;
  };
  return {
    ...fs,
    readBytes: (path) => fs.readBytes(path).catch(said),
    readText: (path) => fs.readText(path).catch(said),
  };
}

/** Features of several sources in one document, in upstream's key order (sorted). */
export function mergeFeatures(parts: readonly Features[]): Features {
  const merged: Features = { flags: {}, attributes: {}, instances: {} };
  for (const part of parts) {
    Object.assign(merged.flags, part.flags);
    Object.assign(merged.attributes, part.attributes);
    Object.assign(merged.instances, part.instances);
  }
  const sort = <T>(record: Record<string, T>): Record<string, T> =>
    Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    flags: sort(merged.flags),
    attributes: sort(merged.attributes),
    instances: sort(merged.instances),
  };
}

async function resolveArch(fs: HostFs, options: DiscoverOptions): Promise<Arch> {
  if (options.arch !== undefined) return options.arch;
  if (fs.root === '/') return options.runningArch;
  return (await detectTreeArch(fs)) ?? options.runningArch;
}

/**
 * Runs the selected sources concurrently and independently: one that fails is reported in
 * `failures` with its reason and the others still produce features (upstream aborts instead,
 * features.md §2.3; we say what failed and go on).
 */
export async function discoverFeatures(
  sources: readonly FeatureSource[],
  options: DiscoverOptions,
  readCpuidDevice: (fs: HostFs) => Promise<CpuidReader | undefined>,
): Promise<DiscoveryResult> {
  const fs = await createHostFs({ root: options.root ?? '/', prefix: options.prefix ?? 'auto' });
  const arch = await resolveArch(fs, options);
  let cpuid: CpuidReader | undefined;
  let how: DiscoveryResult['cpuid'] = 'none';
  if (typeof options.cpuid === 'function') {
    cpuid = options.cpuid;
    how = 'injected';
  } else if (options.cpuid !== 'none' && arch === 'amd64') {
    cpuid = await readCpuidDevice(fs);
    if (cpuid !== undefined) how = 'cpuid-device';
  }
  const selected = selectSources(sources, options);
  const results = await Promise.allSettled(
    selected.map((source) =>
      source.discover({
        fs: refusalsNoticed(fs, (message) => (options.onNotice ?? options.onWarning)?.(source.name, message)),
        arch,
        cpuid,
        now: options.now ?? new Date(),
        nodeName: options.nodeName ?? '',
        warn: (message) => options.onWarning?.(source.name, message),
        notice: (message) => (options.onNotice ?? options.onWarning)?.(source.name, message),
      }),
    ),
  );
  const parts: Features[] = [];
  const failures: SourceFailure[] = [];
  for (const [i, result] of results.entries()) {
    const source = selected[i] as FeatureSource;
    if (result.status === 'fulfilled') parts.push(result.value);
    else {
      const reason = result.reason;
      const message = reason instanceof SourceError ? reason.message : `${source.name}: ${errorText(reason)}`;
      failures.push({ source: source.name, message });
    }
  }
  const features = mergeFeatures(parts);
  const labelSources = selected.filter((source) => !failures.some((f) => f.source === source.name));
  let labels: Record<string, string> | undefined;
  return {
    features,
    // Built on first use: `export features` never reads them.
    get labels() {
      labels ??= buildLabels(labelSources, features);
      return labels;
    },
    failures,
    arch,
    cpuid: how,
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
