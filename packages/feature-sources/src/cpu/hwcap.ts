import {
  ARM_HWCAP,
  ARM_HWCAP2,
  ARM64_HWCAP,
  ARM64_HWCAP2,
  PPC64LE_HWCAP,
  PPC64LE_HWCAP2,
  S390X_HWCAP,
} from '@nfd/spec';
import type { Arch } from '../source.ts';

// Non-x86 `cpu.cpuid` names from the ELF auxiliary vector (features.md §6.6): NFD reads
// getauxval(AT_HWCAP/AT_HWCAP2) of its own process; we read /proc/self/auxv, which holds the same
// values as (type, value) pairs of native unsigned longs, ended by AT_NULL.

export const AT_NULL = 0;
export const AT_HWCAP = 16;
export const AT_HWCAP2 = 26;

/** AT_HWCAP and AT_HWCAP2 (0 when the entry is missing). */
export interface Hwcaps {
  readonly hwcap: bigint;
  readonly hwcap2: bigint;
}

/** Word size and byte order of an architecture's auxv (native unsigned long). */
function auxvLayout(arch: Arch): { size: 4 | 8; littleEndian: boolean } {
  switch (arch) {
    case 'arm':
      return { size: 4, littleEndian: true };
    case 's390x':
      return { size: 8, littleEndian: false };
    default:
      return { size: 8, littleEndian: true };
  }
}

/** Parses a binary auxv of the given architecture. */
export function parseAuxv(bytes: Uint8Array, arch: Arch): Hwcaps {
  const { size, littleEndian } = auxvLayout(arch);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (offset: number): bigint =>
    size === 8 ? view.getBigUint64(offset, littleEndian) : BigInt(view.getUint32(offset, littleEndian));
  let hwcap = 0n;
  let hwcap2 = 0n;
  for (let offset = 0; offset + 2 * size <= bytes.byteLength; offset += 2 * size) {
    const type = word(offset);
    if (type === BigInt(AT_NULL)) break;
    if (type === BigInt(AT_HWCAP)) hwcap = word(offset + size);
    else if (type === BigInt(AT_HWCAP2)) hwcap2 = word(offset + size);
  }
  return { hwcap, hwcap2 };
}

// Bit n of AT_HWCAP / AT_HWCAP2 -> name: NFD's tables, in @nfd/spec (bits past a table are ignored).

function byIndex(value: bigint, table: readonly string[]): string[] {
  return table.filter((_, n) => ((value >> BigInt(n)) & 1n) === 1n);
}

function byBit(value: bigint, table: readonly (readonly [number, string])[]): string[] {
  return table.filter(([n]) => ((value >> BigInt(n)) & 1n) === 1n).map(([, name]) => name);
}

/** The `cpu.cpuid` flag names of a non-x86 architecture's HWCAPs (s390x uses AT_HWCAP only). */
export function hwcapNames(arch: Arch, caps: Hwcaps): string[] {
  switch (arch) {
    case 'arm64':
      return [...byIndex(caps.hwcap, ARM64_HWCAP), ...byIndex(caps.hwcap2, ARM64_HWCAP2)];
    case 'arm':
      return [...byIndex(caps.hwcap, ARM_HWCAP), ...byIndex(caps.hwcap2, ARM_HWCAP2)];
    case 'ppc64le':
      return [...byBit(caps.hwcap, PPC64LE_HWCAP), ...byBit(caps.hwcap2, PPC64LE_HWCAP2)];
    case 's390x':
      return byIndex(caps.hwcap, S390X_HWCAP);
    default:
      return [];
  }
}

/**
 * Fallback when the auxv cannot be read: the cpuinfo `Features` line of arm/arm64 prints the same
 * bits lower-cased, so upper-casing it and keeping the names of the tables is exact there (§6.6).
 * The 32-bit names keep their mixed case (`VFPv3`), matched case-insensitively.
 */
export function featuresLineNames(arch: Arch, features: Iterable<string>): string[] | undefined {
  const tables =
    arch === 'arm64' ? [ARM64_HWCAP, ARM64_HWCAP2] : arch === 'arm' ? [ARM_HWCAP, ARM_HWCAP2] : undefined;
  if (tables === undefined) return undefined;
  const present = new Set([...features].map((feature) => feature.toUpperCase()));
  return tables.flatMap((table) => table.filter((name) => present.has(name.toUpperCase())));
}
