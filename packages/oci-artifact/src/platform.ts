// Platform strings (`os[/arch[/variant]][:os.version]`), containerd-style normalisation and the
// choice of an index child (oci.md §8). Nothing here reads `process`: callers pass the machine's values.
import { NfdError } from '@nfd/spec';
import { type Descriptor, isIndexMediaType, type Platform } from './registry/oci.ts';

export type { Platform } from './registry/oci.ts';

/**
 * Parses `os[/arch[/variant]][:os.version]` like upstream NFD: when only `os` is given the
 * architecture is `defaultArchitecture` (the running machine's, in OCI spelling, e.g. `amd64`).
 */
export function parsePlatform(text: string, defaultArchitecture: string): Platform {
  const trimmed = text.trim();
  const colon = trimmed.indexOf(':');
  const main = colon >= 0 ? trimmed.slice(0, colon) : trimmed;
  const osVersion = colon >= 0 ? trimmed.slice(colon + 1) : undefined;
  const parts = main.split('/');
  const bad = (why: string): NfdError =>
    new NfdError('USAGE', `invalid platform ${JSON.stringify(text)}: ${why}`, {
      hint: 'use os[/arch[/variant]][:os.version], e.g. linux/amd64 or linux/arm/v7',
    });
  if (parts.length > 3) throw bad('too many "/" components');
  if (parts.some((p) => p === '')) throw bad('empty component');
  if (osVersion !== undefined && osVersion === '') throw bad('empty os.version after ":"');
  const [os = '', arch, variant] = parts;
  if (!/^[A-Za-z0-9_.-]+$/.test(os) || (arch !== undefined && !/^[A-Za-z0-9_.-]+$/.test(arch))) {
    throw bad('components may only contain letters, digits, "_", "." and "-"');
  }
  if (variant !== undefined && !/^[A-Za-z0-9_.-]+$/.test(variant)) {
    throw bad('components may only contain letters, digits, "_", "." and "-"');
  }
  return {
    os: os.toLowerCase(),
    architecture: (arch ?? defaultArchitecture).toLowerCase(),
    ...(variant ? { variant: variant.toLowerCase() } : {}),
    ...(osVersion ? { osVersion } : {}),
  };
}

/** containerd's normalisation: `x86_64`→`amd64`, `aarch64`→`arm64` (variant v8 dropped), `armhf`→`arm/v7`, … */
export function normalizePlatform(p: Platform): Platform {
  let os = p.os.toLowerCase();
  if (os === 'macos') os = 'darwin';
  let arch = p.architecture.toLowerCase();
  let variant = (p.variant ?? '').toLowerCase();
  switch (arch) {
    case 'i386':
      arch = '386';
      variant = '';
      break;
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      arch = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      arch = 'arm64';
      if (variant === '8' || variant === 'v8' || variant === 'v8.0') variant = '';
      break;
    case 'armhf':
      arch = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      arch = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (variant === '5' || variant === '6' || variant === '8') variant = `v${variant}`;
      break;
  }
  return {
    os,
    architecture: arch,
    ...(variant ? { variant } : {}),
    ...(p.osVersion ? { osVersion: p.osVersion } : {}),
    ...(p.osFeatures && p.osFeatures.length > 0 ? { osFeatures: p.osFeatures } : {}),
  };
}

/** The platforms a machine of `p` can run, best first (containerd `platformVector`); `p` normalised first. */
export function compatiblePlatforms(p: Platform): Platform[] {
  const n = normalizePlatform(p);
  const base = { os: n.os, ...(n.osVersion ? { osVersion: n.osVersion } : {}) };
  const out: Platform[] = [n];
  const version = (v: string | undefined, dflt: number): number => {
    const num = Number.parseInt((v ?? '').replace(/^v/, ''), 10);
    return Number.isNaN(num) ? dflt : num;
  };
  switch (n.architecture) {
    case 'amd64': {
      for (let v = version(n.variant, 1) - 1; v >= 2; v--)
        out.push({ ...base, architecture: 'amd64', variant: `v${v}` });
      if (n.variant) out.push({ ...base, architecture: 'amd64' });
      out.push({ ...base, architecture: '386' });
      break;
    }
    case 'arm': {
      for (let v = version(n.variant, 7) - 1; v >= 5; v--)
        out.push({ ...base, architecture: 'arm', variant: `v${v}` });
      break;
    }
    case 'arm64': {
      for (let v = version(n.variant, 8) - 1; v >= 8; v--) {
        out.push(
          v === 8 ? { ...base, architecture: 'arm64' } : { ...base, architecture: 'arm64', variant: `v${v}` },
        );
      }
      for (let v = 8; v >= 5; v--) out.push({ ...base, architecture: 'arm', variant: `v${v}` });
      break;
    }
  }
  return out;
}

function samePlatform(wanted: Platform, entry: Platform): boolean {
  if (wanted.os !== entry.os || wanted.architecture !== entry.architecture) return false;
  if ((wanted.variant ?? '') !== (entry.variant ?? '')) return false;
  if (wanted.osVersion && wanted.osVersion !== entry.osVersion) return false;
  if (wanted.osFeatures && wanted.osFeatures.length > 0) {
    const have = new Set(entry.osFeatures ?? []);
    if (!wanted.osFeatures.every((f) => have.has(f))) return false;
  }
  return true;
}

export interface PlatformChoice {
  readonly descriptor: Descriptor;
  /** Index of the chosen entry in the index's `manifests`. */
  readonly position: number;
  /** True when the entry is the wanted platform itself, false when only compatible (e.g. arm/v6 for arm/v7). */
  readonly exact: boolean;
}

/**
 * Picks the index child for `wanted`: the first exact match (after normalising both sides), else
 * the first entry of the best compatible platform. Entries without `platform` and attestation
 * entries (`unknown/unknown`) are skipped. Returns undefined when nothing fits.
 */
export function selectPlatform(
  manifests: readonly Descriptor[],
  wanted: Platform,
): PlatformChoice | undefined {
  const vector = compatiblePlatforms(wanted);
  let best: PlatformChoice | undefined;
  let bestRank = Number.POSITIVE_INFINITY;
  manifests.forEach((descriptor, position) => {
    const p = descriptor.platform;
    if (!p || (p.os === 'unknown' && p.architecture === 'unknown')) return;
    const entry = normalizePlatform(p);
    const rank = vector.findIndex((candidate) => samePlatform(candidate, entry));
    if (rank >= 0 && rank < bestRank) {
      bestRank = rank;
      best = { descriptor, position, exact: rank === 0 };
    }
  });
  return best;
}

/** `linux/arm64/v8:10.0.1` style text of a platform. */
export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}${p.osVersion ? `:${p.osVersion}` : ''}`;
}

/** One line describing an index child, e.g. `linux/arm/v7 (sha256:… , entry 2 of 4)`. */
export function describeChild(choice: PlatformChoice, total: number): string {
  const p = choice.descriptor.platform;
  return `${p ? formatPlatform(p) : 'no platform'} (${choice.descriptor.digest}, entry ${choice.position + 1} of ${total}${choice.exact ? '' : ', compatible match'})`;
}

/** Whether an index's media type says it has children to select from. */
export function isPlatformIndex(descriptor: Descriptor): boolean {
  return isIndexMediaType(descriptor.mediaType);
}

/**
 * The OCI platform of a Node process, from values the caller reads (`process.platform`,
 * `process.arch`, `process.config.variables.arm_version`, `os.endianness()`).
 */
export function nodePlatform(info: {
  platform: string;
  arch: string;
  armVersion?: string | number;
  endianness?: 'BE' | 'LE';
}): Platform {
  const os = info.platform === 'win32' ? 'windows' : info.platform;
  const archMap: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm',
    ia32: '386',
    s390x: 's390x',
    riscv64: 'riscv64',
    loong64: 'loong64',
    mipsel: 'mipsle',
    mips64el: 'mips64le',
    ppc64: info.endianness === 'LE' ? 'ppc64le' : 'ppc64',
  };
  const architecture = archMap[info.arch] ?? info.arch;
  const variant =
    architecture === 'arm' && info.armVersion !== undefined && `${info.armVersion}` !== ''
      ? `v${info.armVersion}`
      : undefined;
  return { os, architecture, ...(variant ? { variant } : {}) };
}
