import type { Features } from '@nfd/spec';
import type { HostFs } from './host-fs.ts';

/** The feature sources NFD enables by default (features.md §2.2), in upstream's name order. */
export const SOURCE_NAMES = [
  'cpu',
  'kernel',
  'local',
  'memory',
  'network',
  'pci',
  'storage',
  'system',
  'usb',
] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

/** Go's GOARCH names for the architectures NFD distinguishes. */
export type Arch = 'amd64' | 'arm64' | 'arm' | 'ppc64le' | 's390x' | 'riscv64' | 'other';

/** Raw CPUID of one logical CPU: [eax, ebx, ecx, edx] for a leaf and sub-leaf. */
export type CpuidReader = (leaf: number, subleaf: number) => readonly [number, number, number, number];

/** Everything a source may use; nothing else (no process, no global fs). */
export interface SourceContext {
  readonly fs: HostFs;
  /** The host's architecture (the tree's under a host root, features.md §1 / issue #4). */
  readonly arch: Arch;
  /**
   * Raw CPUID on x86 when it can be read (`/dev/cpu/0/cpuid` of the live host, or a dump in
   * tests); undefined otherwise, and the cpu source falls back to /proc/cpuinfo.
   */
  readonly cpuid: CpuidReader | undefined;
  /** "Now", for local feature files' expiry times. */
  readonly now: Date;
  /** The node name (upstream: the NODE_NAME environment variable; "" when unset). */
  readonly nodeName: string;
  /** A sub-feature that failed and is left out, as upstream logs it (shown with --debug). */
  warn(message: string): void;
  /**
   * A limit of what was discovered that can change a verdict (e.g. cpu.cpuid from /proc/cpuinfo
   * cannot know some flags); always shown on stderr. Falls back to `warn` when not provided.
   */
  notice?(message: string): void;
}

/**
 * One source: its features (full names, `<source>.<feature>`) and the labels upstream's label
 * source would make from them, with short keys (features.md §4.1 prefixes them).
 */
export interface FeatureSource {
  readonly name: SourceName;
  /** Throws SourceError where upstream's Discover fails (pci, network, storage listing; §2.3). */
  discover(context: SourceContext): Promise<Features>;
  labels(features: Features): Record<string, string>;
}

/** A source that could not discover anything (upstream's Discover error). */
export class SourceError extends Error {
  override name = 'SourceError';
  readonly source: SourceName;
  constructor(source: SourceName, message: string, options: { cause?: unknown } = {}) {
    super(`${source}: ${message}`, options);
    this.source = source;
  }
}

/** An empty Features object to fill. */
export function emptyFeatures(): Features {
  return { flags: {}, attributes: {}, instances: {} };
}
