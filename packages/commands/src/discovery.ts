import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from '@commander-js/extra-typings';
import {
  type Arch,
  archFromNode,
  type CpuidReader,
  discover,
  type HostDiscovery,
  loadLeavesFile,
  SOURCE_NAMES,
  type SourceName,
} from '@nfd/feature-sources';
import { NfdError } from '@nfd/spec';
import type { CommandContext } from './context.ts';
import { collectList } from './option-values.ts';

// The flags and the glue shared by every command that discovers this host's features.

const ARCHES = ['amd64', 'arm64', 'arm', 'ppc64le', 's390x', 'riscv64'] as const;

export interface DiscoveryFlags {
  hostRoot?: string;
  cpuidLeaves?: string;
  sources?: string[];
  excludeSources?: string[];
  arch?: (typeof ARCHES)[number];
}

/** Options for discovery, added to a command (their help group says so). */
export function discoveryOptions(): Option[] {
  return [
    new Option(
      '--host-root <dir>',
      'read the host under this directory (a mounted host or a copy); /host-* directories under it are honoured',
    ).helpGroup('Discovery options:'),
    new Option(
      '--sources <names>',
      `only these feature sources (comma-separated: ${SOURCE_NAMES.join(', ')})`,
    )
      .argParser(collectList)
      .helpGroup('Discovery options:'),
    new Option('--exclude-sources <names>', 'leave these feature sources out (comma-separated)')
      .argParser(collectList)
      .helpGroup('Discovery options:'),
    new Option(
      '--arch <arch>',
      "the host's architecture (default: the running machine's, or the host tree's)",
    )
      .choices(ARCHES)
      .helpGroup('Discovery options:'),
    new Option(
      '--cpuid-leaves <file>',
      'decode cpu.cpuid from a raw CPUID dump (JSON) instead of /dev/cpu/0/cpuid, e.g. of another machine',
    ).helpGroup('Discovery options:'),
  ];
}

function checkSources(names: readonly string[] | undefined): SourceName[] | undefined {
  if (names === undefined) return undefined;
  const known = new Set<string>(SOURCE_NAMES);
  for (const name of names) {
    if (!known.has(name)) {
      throw new NfdError('USAGE', `unknown feature source "${name}"`, {
        hint: `sources: ${SOURCE_NAMES.join(', ')}`,
      });
    }
  }
  return names as SourceName[];
}

function withSource(source: string, message: string): string {
  return message.startsWith(`${source}:`) ? message : `${source}: ${message}`;
}

/** A mistyped --host-root is an error, not a host without features. */
function checkHostRoot(given: string, root: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new NfdError(
      'FILE_UNREADABLE',
      `--host-root ${given}: ${code === 'ENOENT' ? 'no such directory' : `cannot be read (${code ?? String(cause)})`}`,
      { cause },
    );
  }
  if (!isDirectory) throw new NfdError('USAGE', `--host-root ${given}: not a directory`);
}

/**
 * Discovers this host's features (or the tree's under --host-root); sub-feature problems and failed
 * sources are reported on stderr, and the features of the other sources are still returned.
 */
export async function discoverHost(ctx: CommandContext, flags: DiscoveryFlags): Promise<HostDiscovery> {
  const logger = ctx.logger();
  const root = flags.hostRoot === undefined ? '/' : resolve(ctx.host.cwd, flags.hostRoot);
  if (flags.hostRoot !== undefined) checkHostRoot(flags.hostRoot, root);
  let cpuid: CpuidReader | undefined;
  if (flags.cpuidLeaves !== undefined) {
    try {
      cpuid = await loadLeavesFile(resolve(ctx.host.cwd, flags.cpuidLeaves));
    } catch (cause) {
      throw new NfdError(
        'FILE_UNREADABLE',
        `cannot use ${flags.cpuidLeaves}: ${cause instanceof Error ? cause.message : String(cause)}`,
        { cause },
      );
    }
  }
  const result = await discover({
    root,
    ...(cpuid === undefined ? {} : { cpuid }),
    runningArch: archFromNode(process.arch),
    ...(flags.arch === undefined ? {} : { arch: flags.arch as Arch }),
    ...(flags.sources === undefined ? {} : { sources: checkSources(flags.sources) }),
    ...(flags.excludeSources === undefined ? {} : { excludeSources: checkSources(flags.excludeSources) }),
    nodeName: ctx.host.env.NODE_NAME ?? '',
    // Upstream logs what a source could not read and leaves it out (missing DMI files and the
    // like, common and harmless): shown with --debug. Limits that can change a verdict always show.
    onWarning: (source, message) => logger.debug(withSource(source, message)),
    onNotice: (source, message) => logger.warn(withSource(source, message)),
  });
  for (const failure of result.failures)
    logger.warn(`feature source failed, its features are missing: ${failure.message}`);
  logger.debug(`discovered ${root} as ${result.arch}; cpu.cpuid from ${result.cpuid}`);
  return result;
}

/** The discovery flags make no sense with a cluster node. */
export function refuseDiscoveryFlags(flags: DiscoveryFlags, what: string): void {
  const given = (
    [
      ['hostRoot', '--host-root'],
      ['cpuidLeaves', '--cpuid-leaves'],
      ['sources', '--sources'],
      ['excludeSources', '--exclude-sources'],
      ['arch', '--arch'],
    ] as const
  ).filter(([key]) => flags[key] !== undefined);
  if (given.length > 0) {
    throw new NfdError('USAGE', `${given.map(([, flag]) => flag).join(', ')} cannot go with ${what}`, {
      hint: "discovery flags read this host; the node's features come from the cluster",
    });
  }
}
